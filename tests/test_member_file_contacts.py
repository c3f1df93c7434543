"""The member file's contact columns: the primary contact, imported and exported, and private."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from contacts import services
from contacts.models import Contact, ContactRole
from members import transfer
from members.models import Organisation
from records import names
from tests.conftest import DATA, IMPORT_URL, PROCESS_URL, confirm_data, export_members, run_failing_import, run_import
from tests.test_admin_jobs import admin_export as export_through_worker
from tests.test_admin_jobs import start_import

Role = ContactRole.Role
TODAY = timezone.localdate()
EXPORT_URL = "/admin/members/organisation/export/?status=all"
CONTACT_HEADERS = ["联系人", "职务", "手机", "电话", "电子邮箱"]
SECRET_NAME = "龔秘書長"
SECRET_EMAIL = "gong.mishu@contact-private.example.cn"


@pytest.fixture
def contact(active_member):
    contact = Contact.objects.create(
        organisation=active_member,
        name=SECRET_NAME,
        title="办公室主任",
        mobile="138 1234 5678",
        telephone="010-62345678",
        email=SECRET_EMAIL,
    )
    services.contact_roles_set(contact=contact, roles={Role.PRIMARY, Role.REPRESENTATIVE}, on=TODAY, by=None)
    return contact


def contacts_snapshot():
    return (
        list(Contact.objects.order_by("pk").values()),
        list(ContactRole.objects.order_by("pk").values()),
        Contact.history.count(),
    )


def primary_of(organisation: Organisation) -> Contact:
    return Contact.objects.get(
        roles__in=ContactRole.objects.current().filter(role=Role.PRIMARY, organisation=organisation)
    )


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def admin_export(client, run_worker) -> list[list[str]]:
    """Every column the export form offers this user, written by the worker."""
    return csv_rows(export_through_worker(client, run_worker, EXPORT_URL, HTTP_ACCEPT_LANGUAGE="zh-CN"))


@pytest.mark.parametrize("name", ["contacts-hans.csv", "contacts-hant.csv"])
def test_member_file_contact_columns_import_with_headers_in_either_script(active_member, name):
    with translation.override("en"):
        out, _ = run_import(name)

    assert "created 1, updated 1" in out
    lenovo = primary_of(active_member)
    assert (lenovo.name_hant, lenovo.mobile, lenovo.telephone, lenovo.email) == (
        SECRET_NAME,
        "138 1234 5678",
        "010-62345678",
        SECRET_EMAIL,
    )
    assert lenovo.history.get().history_change_reason == "import"
    huawei = primary_of(Organisation.objects.get(name_key="华为技术有限公司"))
    assert (huawei.name_hans, names.match_key(huawei.title), huawei.mobile, huawei.telephone) == (
        "孟秘书",
        "联络员",
        "+852 9123 4567",
        "",
    )


def test_member_file_contact_of_the_same_name_in_another_script_is_updated(contact):
    run_import("contacts-hant.csv")

    contact.refresh_from_db()
    assert primary_of(contact.organisation) == contact
    assert (contact.name, contact.title) == (SECRET_NAME, "辦公室主任")
    assert Contact.objects.filter(organisation=contact.organisation).count() == 1


def test_admin_import_preview_shows_the_contact_s_old_and_new_cells(contact, editor_client):
    file = SimpleUploadedFile(
        "m.csv", "name,industry,contact,contact_title\n聯想集團,電子信息,龚秘书长,主任\n".encode()
    )
    preview = editor_client.post(
        IMPORT_URL, {"resource": 0, "format": 0, "import_file": file}, HTTP_ACCEPT_LANGUAGE="en"
    )

    (row,) = preview.context["result"].rows
    assert row.import_type == "update"
    assert row.diff[-5:-3] == [SECRET_NAME, "<del>办公室主任</del><ins>主任</ins>"]


def test_member_file_new_primary_contact_hands_over(contact, tmp_path):
    path = tmp_path / "handover.csv"
    path.write_text((DATA / "contacts-hans.csv").read_text().replace("龚秘书长", "錢主任"))

    run_import(str(path))

    new = primary_of(contact.organisation)
    assert (new.name, new.email) == ("錢主任", SECRET_EMAIL)
    ended = ContactRole.objects.get(contact=contact, role=Role.PRIMARY)
    assert ended.until == TODAY
    assert ContactRole.objects.current().filter(contact=contact, role=Role.REPRESENTATIVE).exists()


def test_member_file_bad_contact_cells_are_problems_at_their_row_and_column_and_nothing_is_written(contact):
    before = (contacts_snapshot(), list(Organisation.objects.values()))

    with translation.override("en"):
        err = run_failing_import("bad-contact-mobile.csv")

    assert "row 3, column contact_mobile: 12345 is not a telephone number" in err
    assert "row 3, column contact_email: Enter a valid email address." in err
    assert "row 2" not in err
    assert (contacts_snapshot(), list(Organisation.objects.values())) == before


def test_member_file_empty_contact_cells_change_nothing(contact, tmp_path):
    before = contacts_snapshot()
    path = tmp_path / "empty.csv"
    path.write_text("name,industry,contact,contact_email\n聯想集團,電子信息,,\n")

    with translation.override("en"):
        out, _ = run_import(str(path))

    assert "updated 0, unchanged 1" in out
    assert contacts_snapshot() == before


def test_member_file_contact_cells_without_a_name_need_a_primary_contact(active_member):
    with translation.override("en"):
        problems = [
            str(p)
            for p in transfer.import_members("name,industry,contact_email\n聯想集團,電子信息,a@b.cn\n".encode()).errors
        ]
    assert problems == ["Error: row 2, column contact_email: The organisation has no primary contact: add a name."]
    assert not Contact.objects.exists()


def test_export_members_has_contact_columns_only_with_the_contacts_flag(contact, tmp_path):
    plain = csv_rows(export_members(tmp_path).read_bytes())
    assert plain[0] == transfer.export_headers("zh-hans")
    assert SECRET_NAME not in str(plain)

    rows = csv_rows(export_members(tmp_path, "--contacts").read_bytes())
    assert rows[0][-5:] == CONTACT_HEADERS
    assert rows[1][-5:] == [SECRET_NAME, "办公室主任", "138 1234 5678", "010-62345678", SECRET_EMAIL]


@pytest.mark.parametrize("name", ["all.csv", "all.xlsx"])
def test_export_members_with_contacts_then_import_changes_nothing(contact, tmp_path, name):
    run_import("contacts-hans.csv")  # A second organisation with a contact, its mobile +852 (a formula start).
    path = export_members(tmp_path, "--all", "--contacts", name=name)
    if name.endswith(".xlsx"):
        mobiles = [cell.value for cell in openpyxl.load_workbook(path).active["P"]]
        assert "'+852 9123 4567" in mobiles
    before = (contacts_snapshot(), list(Organisation.objects.values()))

    with translation.override("en"):
        out, _ = run_import(str(path))

    assert "created 0, updated 0, unchanged 2" in out
    assert (contacts_snapshot(), list(Organisation.objects.values())) == before


def test_export_of_contact_columns_is_one_query_per_batch(contact, industry, django_assert_num_queries):
    for n in range(3):
        other = Organisation.objects.create(name=f"成員{n}", industry=industry)
        person = Contact.objects.create(organisation=other, name=f"聯繫人{n}")
        services.contact_roles_set(contact=person, roles={Role.PRIMARY}, by=None)
    organisations = Organisation.objects.all()
    with django_assert_num_queries(4):  # industries, memberships, organisations, primary contacts
        rows = list(transfer.export_rows(organisations, "zh-hans", transfer.column_groups()))
    assert len(rows) == 5
    assert {row[13] for row in rows[1:]} == {SECRET_NAME, "聯繫人0", "聯繫人1", "聯繫人2"}


def test_admin_export_has_contact_columns_for_an_editor_and_not_for_a_viewer(
    contact, editor_client, client, viewer, run_worker
):
    rows = admin_export(editor_client, run_worker)
    assert rows[0][-5:] == CONTACT_HEADERS
    assert rows[1][-5:] == [
        SECRET_NAME,
        "办公室主任",
        "138 1234 5678",
        "010-62345678",
        SECRET_EMAIL,
    ]

    client.force_login(viewer)
    assert not viewer.has_perm("contacts.view_contact")
    rows = admin_export(client, run_worker)
    assert "联系人" not in rows[0]
    assert SECRET_NAME not in str(rows) and SECRET_EMAIL not in str(rows)


def test_admin_import_of_contact_columns_needs_the_contact_permissions(active_member, client, secretariat_editor):
    clerk = User.objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.set(
        Group.objects.get(name="Secretariat editors").permissions.exclude(content_type__app_label="contacts")
    )
    client.force_login(clerk)
    with (DATA / "contacts-hans.csv").open("rb") as f:
        preview = client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": f}, HTTP_ACCEPT_LANGUAGE="en")
    assert "You do not have permission to import this column." in preview.content.decode()
    assert not Contact.objects.exists()

    client.force_login(secretariat_editor)
    with (DATA / "contacts-hans.csv").open("rb") as f:
        preview = client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": f}, HTTP_ACCEPT_LANGUAGE="en")
    result = preview.context["result"]
    assert [row.import_type for row in result.rows] == ["update", "new"]
    assert result.diff_headers[-5:] == [
        "contact",
        "contact_title",
        "contact_mobile",
        "contact_telephone",
        "contact_email",
    ]
    assert result.rows[0].diff[-5:-2] == ["<ins>龚秘书长</ins>", "<ins>办公室主任</ins>", "<ins>138 1234 5678</ins>"]
    assert client.post(PROCESS_URL, confirm_data(preview)).status_code == 302
    assert primary_of(active_member).name_hant == SECRET_NAME
    assert Contact.objects.get(name="龚秘书长").history.get().history_user == secretariat_editor


def test_open_data_never_has_contact_columns(contact, client):
    for address in ("/open-data/members.csv", "/open-data/members.json"):
        text = b"".join(client.get(address).streaming_content).decode("utf-8-sig")
        assert SECRET_NAME not in text and SECRET_EMAIL not in text and "联系人" not in text, address


def test_member_file_contact_labels_are_the_design_s_in_either_script():
    assert [transfer.column_name(c.key, "zh-hant") for c in transfer.column_groups()[0].columns] == [
        "聯繫人",
        "職務",
        "手機",
        "電話",
        "電子郵箱",
    ]
    assert transfer.export_headers("en", transfer.column_groups())[-5:] == [
        "contact",
        "contact_title",
        "contact_mobile",
        "contact_telephone",
        "contact_email",
    ]


def test_admin_large_import_by_the_worker_previews_and_writes_contact_columns(
    active_member, editor_client, run_worker, settings
):
    settings.IMPORT_REQUEST_MAX_ROWS = 1  # The file's two rows go to the worker.
    job_page = start_import(editor_client, SimpleUploadedFile("m.csv", (DATA / "contacts-hans.csv").read_bytes()))
    run_worker()

    content = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "<ins>龚秘书长</ins>" in content and "<th>联系人</th>" in content
    )  # The job runs in the language it began in.
    confirmation = editor_client.post(job_page, {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")["Location"]
    run_worker()

    done = editor_client.get(confirmation, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import finished: 1 new, 1 changed" in done
    assert primary_of(active_member).name_hant == SECRET_NAME
