"""An editor adds a contact, writes a notice to the council's representatives, previews it and sends it, in Chromium."""

from playwright.sync_api import expect

from members.models import Membership, Organisation
from tests.conftest import log_in_as_editor


def test_editor_sends_a_notice_to_the_council_representatives(
    live_server, seeded, secretariat_editor, smtp_server, run_worker, page, shoot
):
    lenovo = Organisation.objects.get(slug="lenovo-group")
    Membership.objects.filter(organisation=lenovo).update(tier=Membership.Tier.COUNCIL)
    log_in_as_editor(page, live_server)

    page.goto(f"{live_server.url}/admin/members/organisation/{lenovo.pk}/change/")
    page.click("#contacts-group .add-row a")
    page.fill("#id_contacts-0-name", "杨秘书")
    page.fill("#id_contacts-0-title", "董事长办公室主任")
    page.fill("#id_contacts-0-mobile", "138 1234 5678")
    page.fill("#id_contacts-0-email", "yang.mishu@lenovo.example.cn")
    page.select_option("#id_contacts-0-language", "zh-hant")
    page.check("#id_contacts-0-current_roles_2")  # 会员代表
    shoot(page, "contact-add")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("#contacts-group")).to_contain_text("杨秘书")

    page.goto(f"{live_server.url}/admin/notices/notice/add/")
    page.select_option("#id_kind", "meeting")
    page.fill("#id_subject_zh_hans", "关于召开理事会会议的通知")
    page.fill("#id_body_zh_hans", "{{ contact }}您好：\n\n{{ organisation }}（{{ tier }}）请派会员代表出席理事会会议。")
    page.check("#id_tiers_2")  # 理事单位
    page.check("#id_roles_2")  # 会员代表
    page.click("input[name=_continue]")
    expect(page.locator("#notice-sending")).to_contain_text("1")
    shoot(page, "notice")

    page.click(".object-tools a[href$='/preview/']")
    expect(page.locator(".notice-subject")).to_have_text("關於召開理事會會議的通知")  # the contact reads Traditional
    expect(page.locator(".notice-body")).to_contain_text("聯想集團（理事單位）請派會員代表出席理事會會議。")
    shoot(page, "notice-preview")
    page.go_back()

    page.click(".notice-send input[type=submit]")
    sending = page.locator("#notice-sending")
    expect(sending).to_have_attribute("data-status", "sending")
    shoot(page, "notice-sending")
    run_worker()
    # The page follows the worker by itself (a meta refresh every two seconds) until the notice is sent.
    expect(sending).to_have_attribute("data-status", "sent", timeout=10_000)
    expect(page.locator(".notice-sending progress")).to_have_attribute("value", "1")
    shoot(page, "notice-sent")
    assert [message["To"] for message in smtp_server.messages] == ["yang.mishu@lenovo.example.cn"]
