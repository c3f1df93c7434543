"""An editor walks the back office in headless Chromium: list, change page, an action, the dashboard, an import."""

from pathlib import Path

from playwright.sync_api import expect

from members.models import Membership, Organisation
from tests.conftest import DATA, add_membership, log_in_as_editor


def test_editor_walks_the_back_office(live_server, seeded, secretariat_editor, page, shoot):
    applicant = Organisation.objects.create(name="寧德時代新能源科技股份有限公司", short_name="寧德時代")
    add_membership(organisation=applicant, status=Membership.Status.APPLIED, tier="member")

    log_in_as_editor(page, live_server)

    dashboard = page.locator("#dashboard")
    expect(dashboard).to_contain_text("各领域会员数")
    expect(dashboard).to_contain_text("待审批申请 (1)")
    expect(dashboard).to_contain_text("寧德時代")
    shoot(page, "dashboard")

    page.click("text=机构")
    expect(page.locator("#changelist")).to_contain_text("正式会员")
    expect(page.locator("#result_list")).not_to_contain_text("寧德時代")
    shoot(page, "organisations")

    page.fill("#searchbar", "lx")
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("聯想")

    page.goto(f"{live_server.url}/admin/members/organisation/?status=applied")
    page.check(f"input[name=_selected_action][value='{applicant.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    expect(page.locator("ul.messagelist")).to_contain_text("已修改 1 个会籍")
    shoot(page, "action")
    assert applicant.memberships.get().status == Membership.Status.ACTIVE

    lenovo = Organisation.objects.get(name="聯想集團")
    page.goto(f"{live_server.url}/admin/members/organisation/")
    page.check(f"input[name=_selected_action][value='{lenovo.pk}']")
    page.select_option("select[name=action]", "withdraw")
    page.click("button[name=index]")
    expect(page.locator("#content")).to_contain_text("这些会籍即刻结束")
    page.fill("#id_reason", "并入其他会员单位")
    shoot(page, "withdraw")
    page.click("input[type=submit][value='退出']")
    expect(page.locator("ul.messagelist")).to_contain_text("已修改 1 个会籍")
    assert lenovo.memberships.get().status == Membership.Status.WITHDRAWN

    page.goto(f"{live_server.url}/admin/members/organisation/?status=all&q=宁德")
    page.click("#result_list a:has-text('寧德時代新能源')")
    expect(page.locator("#organisation_form")).to_be_visible()
    expect(page.locator("#memberships-group")).to_contain_text("正式会员")
    shoot(page, "organisation-change")

    membership = applicant.memberships.get()
    page.goto(f"{live_server.url}/admin/members/membership/{membership.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("批准入会")
    expect(page.locator("#change-history")).to_contain_text("申请中")
    expect(page.locator("#change-history")).to_contain_text("editor")
    shoot(page, "history")

    page.goto(f"{live_server.url}/admin/governance/term/on-date/")
    expect(page.locator("#content")).to_contain_text("名譽理事長")
    expect(page.locator("#content")).to_contain_text("李毅中")
    shoot(page, "who-held-what")

    page.goto(f"{live_server.url}/admin/")
    columns = page.evaluate("getComputedStyle(document.querySelector('.dashboard-panels')).display")
    assert columns == "grid"  # the dashboard's stylesheet arrived


def test_export_page_select_all_toggle_works_under_the_content_security_policy(
    live_server, seeded, secretariat_editor, page
):
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/members/organisation/export/")
    fields = page.locator(".selectable-field-export-row:visible input[type=checkbox]")
    expect(fields.first).to_be_checked()

    page.uncheck("input.select-toggle")
    for checkbox in fields.all():
        expect(checkbox).not_to_be_checked()
    page.check("input.select-toggle")
    for checkbox in fields.all():
        expect(checkbox).to_be_checked()
    # The library's inline styles apply too: its heading line sits flush, its toggle's label is bold.
    weight = page.evaluate("getComputedStyle(document.querySelector('label[for=select-all-toggle]')).fontWeight")
    assert weight == "700"


def test_editor_imports_a_file_after_fixing_what_its_preview_found(
    live_server, seeded, secretariat_editor, page, shoot, tmp_path
):
    bad = tmp_path / "members.csv"
    rows = [f"测试公司{n},没有这个行业,正式会员" for n in range(1, 41)] + ["另一家公司,汽车零部件,不知道"]
    bad.write_text("\n".join(["名称,行业,状态", *rows]) + "\n", encoding="utf-8")
    log_in_as_editor(page, live_server)

    page.goto(f"{live_server.url}/admin/members/organisation/import/")
    page.set_input_files("#id_import_file", str(bad))
    page.click("#content input[type=submit]")
    summary = page.locator("ul.problem-summary li")
    expect(summary).to_have_count(2)
    expect(summary.first).to_have_text("列 行业：没有行业“没有这个行业”。 共 40 行：2–41。")
    expect(summary.last).to_contain_text("共 1 行：42。")
    first_row = page.locator("table.row-problems tbody tr").first
    expect(first_row).to_have_text("2行业没有行业“没有这个行业”。")  # written out, not a count to hover over
    expect(page.locator("input[type=submit][name=confirm]")).to_have_count(0)  # nothing to confirm
    shoot(page, "import-problems")
    assert not Organisation.objects.filter(name__startswith="测试公司").exists()

    page.set_input_files("#id_import_file", str(DATA / "members-utf8.csv"))
    page.click("#content input[type=submit]")
    expect(page.locator("#content")).to_contain_text("新增 2 行，修改 1 行，未变 0 行。")
    page.click("input[type=submit][name=confirm]")
    expect(page.locator("ul.messagelist")).to_be_visible()
    assert Organisation.objects.filter(name="比亚迪股份有限公司").exists()


def test_editor_exports_the_list_and_downloads_the_file_the_worker_wrote(
    live_server, seeded, secretariat_editor, page, shoot, run_worker
):
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/members/organisation/export/?status=all")
    page.select_option("#id_format", label="csv")
    page.click("#content .submit-row input[type=submit]")

    expect(page.locator(".job-status")).to_contain_text("等待任务进程")
    expect(page.locator("progress.job-bar")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("本页会自动刷新任务进度")
    shoot(page, "export-waiting")

    run_worker()

    # The page refreshes itself (a meta refresh: the CSP admits no inline script) and offers the file.
    link = page.locator("a.export-download")
    expect(link).to_be_visible(timeout=10_000)
    expect(page.locator(".job-status")).to_contain_text("已完成")
    expect(page.locator("#content")).to_contain_text(f"包含 {Organisation.objects.count()} 个机构的文件已生成")
    shoot(page, "export-ready")
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith("\ufeff名称,英文名称,简称".encode())
    assert "聯想集團".encode() in content
