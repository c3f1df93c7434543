"""Contact people at member organisations: validated, one primary each, private, kept as history."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contacts import services
from contacts.models import Contact, ContactRole
from contacts.validators import email_key, telephone_key, validate_mobile, validate_telephone
from records.caching import VERSION_KEY, public_version
from tests.conftest import form_data, with_new_rows

Role = ContactRole.Role
TODAY = timezone.localdate()
CHANGELIST = reverse("admin:contacts_contact_changelist")
# Nothing else in the registry reads like this, so that a page showing it can only have taken it from the contact.
SECRET_NAME = "龔秘書長"
SECRET_EMAIL = "gong.mishu@contact-private.example.cn"


@pytest.fixture
def contact(active_member):
    contact = Contact.objects.create(
        organisation=active_member,
        name=SECRET_NAME,
        name_en="Gong Mishu",
        title="办公室主任",
        mobile="138 1234 5678",
        telephone="010-62345678",
        email=SECRET_EMAIL,
    )
    services.contact_roles_set(contact=contact, roles={Role.PRIMARY, Role.REPRESENTATIVE}, on=TODAY, by=None)
    return contact


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("０１３８１２３４５６７８", "+8613812345678"),  # full-width, from a Chinese keyboard
        ("+852 9123 4567", "+85291234567"),
        ("+853 6612 3456", "+85366123456"),
        ("+886 912 345 678", "+886912345678"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_mobile_numbers_in_every_form_staff_write_them_are_accepted_and_matched(typed, key):
    validate_mobile(typed)
    assert telephone_key(typed) == key


@pytest.mark.parametrize("typed", ["12345", "138123456789", "电话待补", "+886 0912"])
def test_a_number_that_cannot_be_dialled_is_refused_with_how_to_write_one(in_english, typed):
    with pytest.raises(ValidationError, match="country code"):
        validate_telephone(typed)


def test_a_fixed_line_is_refused_as_a_mobile_and_taken_as_an_office_telephone(in_english):
    with pytest.raises(ValidationError, match="office telephone"):
        validate_mobile("010-62345678")
    validate_telephone("010-62345678")
    assert telephone_key("(010) 6234 5678") == "+861062345678"


def test_an_email_typed_with_a_chinese_keyboard_is_stored_half_width_and_matched_in_any_case(active_member):
    contact = Contact.objects.create(organisation=active_member, name="王曉", email="Wang.Xiao＠Lenovo.com ")
    assert contact.email == "Wang.Xiao@Lenovo.com"
    assert contact.email_key == email_key("wang.xiao@LENOVO.COM") == "wang.xiao@lenovo.com"


def test_the_database_holds_at_most_one_current_primary_contact_per_organisation(in_english, contact, active_member):
    second = Contact.objects.create(organisation=active_member, name="第二聯系人")
    with pytest.raises(ValidationError, match="current primary contact"):
        ContactRole(contact=second, role=Role.PRIMARY).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactRole.objects.create(contact=second, role=Role.PRIMARY)
    ended = ContactRole.objects.create(contact=second, role=Role.PRIMARY, since=TODAY, until=TODAY)
    assert ended.pk  # an ended primary role is history, which any number of contacts may have


def test_giving_the_primary_role_to_another_contact_ends_the_first_ones_and_keeps_it_as_history(contact):
    successor = Contact.objects.create(organisation=contact.organisation, name="繼任者")
    handed = services.contact_roles_set(contact=successor, roles={Role.PRIMARY}, on=TODAY, by=None)
    assert handed == [contact]
    assert list(Contact.objects.holding(Role.PRIMARY)) == [successor]
    first = contact.roles.get(role=Role.PRIMARY)
    assert first.until == TODAY and first.history.count() == 2


def test_a_contact_who_leaves_ends_their_roles_and_stays_on_record(contact):
    services.contact_leave(contact=contact, on=TODAY, by=None)
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not Contact.objects.current().filter(pk=contact.pk).exists()
    assert not ContactRole.objects.current().filter(contact=contact).exists()
    assert contact.roles.count() == 2


def test_contacts_are_on_no_public_page_nor_in_the_open_data_or_a_search(client, contact, active_member):
    pages = [
        "/zh-hans/",
        "/zh-hant/",
        "/en/",
        "/zh-hans/members/",
        f"/zh-hant/members/industries/{active_member.industry.slug}/",
        f"/zh-hans/members/{active_member.slug}/",
        f"/en/members/{active_member.slug}/",
        "/zh-hans/governance/",
        "/open-data/members.csv",
        "/open-data/members.json",
        "/sitemap.xml",
        "/sitemap-members.xml",
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        content = response.getvalue().decode("utf-8-sig")
        for private in (SECRET_NAME, "龚秘书长", "Gong Mishu", SECRET_EMAIL, "1234 5678", "12345678", "62345678"):
            assert private not in content, (address, private)
    for search in (SECRET_NAME, "龚秘书长", "gongmishu", SECRET_EMAIL, "13812345678"):
        assert "0 members found" in client.get("/en/members/", {"q": search}).content.decode(), search


def test_an_editor_adds_a_contact_on_the_organisation_with_its_roles(editor_client, english, active_member):
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    page = editor_client.get(change)
    assert "Contacts (not displayed publicly)" in page.content.decode()
    row = {"name": "李聯絡", "title": "总裁办主任", "mobile": "13900001111", "email": "li@lenovo.com"}
    row |= {"language": "zh-hant", "current_roles": [Role.PRIMARY, Role.DUES]}
    version = public_version()
    assert editor_client.post(change, with_new_rows(form_data(page), "contacts", [row])).status_code == 302
    contact = Contact.objects.get(name="李聯絡")
    assert set(ContactRole.objects.current().filter(contact=contact).values_list("role", flat=True)) == {
        Role.PRIMARY,
        Role.DUES,
    }
    assert contact.mobile_key == "+8613900001111"
    assert cache.get(VERSION_KEY) == version  # nothing public changed


def test_two_rows_ticked_primary_in_one_save_are_refused_on_the_form(editor_client, english, active_member):
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    rows = [{"name": name, "language": "zh-hans", "current_roles": [Role.PRIMARY]} for name in ("甲聯系人", "乙聯系人")]
    response = editor_client.post(change, with_new_rows(form_data(editor_client.get(change)), "contacts", rows))
    assert response.status_code == 200
    assert "tick it on one row only" in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "search",
    ["龚秘书长", "龔秘書長", "gongmishu", "GONG.MISHU@contact-private.example.cn", "+86 138 1234 5678", "62345678"],
)
def test_the_contact_list_finds_a_contact_by_name_pinyin_email_or_telephone(editor_client, english, contact, search):
    page = editor_client.get(CHANGELIST, {"q": search}).content.decode()
    assert SECRET_NAME in page and "1 contact" in page, search


def test_the_contact_list_filters_by_current_role(editor_client, contact, active_member):
    Contact.objects.create(organisation=active_member, name="無角色者")
    assert SECRET_NAME not in editor_client.get(CHANGELIST, {"role": "none"}).content.decode()
    listed = editor_client.get(CHANGELIST, {"role": Role.REPRESENTATIVE}).content.decode()
    assert SECRET_NAME in listed and "無角色者" not in listed


def test_a_viewer_sees_contacts_only_with_a_permission_of_their_own(client, viewer, contact, active_member):
    client.force_login(viewer)
    assert client.get(CHANGELIST).status_code == 403
    change = reverse("admin:members_organisation_change", args=[active_member.pk])
    assert SECRET_NAME not in client.get(change).content.decode()
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    assert SECRET_NAME in client.get(CHANGELIST).content.decode()
    assert SECRET_NAME in client.get(change).content.decode()
    assert client.get(reverse("admin:contacts_contact_add")).status_code == 403


def test_no_one_deletes_a_contact_who_leaves_is_given_a_day(admin_client, contact):
    assert admin_client.get(reverse("admin:contacts_contact_delete", args=[contact.pk])).status_code == 403


def test_the_dashboard_lists_members_without_a_primary_contact_and_bounced_addresses(
    editor_client, contact, active_member
):
    def panel(name):
        return editor_client.get(reverse("admin:index")).context["panels"][name]

    assert (panel("members_without_primary_contact"), panel("bounced_contacts")) == (0, 0)
    services.contact_bounced(contact_id=contact.pk, reply="550 5.1.1 mailbox unavailable")
    services.contact_roles_set(contact=contact, roles=set(), on=TODAY, by=None)
    assert (panel("members_without_primary_contact"), panel("bounced_contacts")) == (1, 1)
    listed = editor_client.get(reverse("admin:members_organisation_changelist"), {"primary_contact": "none"})
    assert active_member.name in listed.content.decode()
    assert SECRET_NAME in editor_client.get(CHANGELIST, {"bounced": "yes"}).content.decode()


def test_an_editor_opens_a_contacts_page_with_its_roles_history_and_the_roles_list(editor_client, english, contact):
    page = editor_client.get(reverse("admin:contacts_contact_change", args=[contact.pk])).content.decode()
    assert "Roles, past and present" in page and "primary contact" in page
    roles = editor_client.get(reverse("admin:contacts_contactrole_changelist"), {"role": Role.REPRESENTATIVE})
    assert SECRET_NAME in roles.content.decode()
