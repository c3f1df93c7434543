"""The public site in headless Chromium: the visitor's walk, and screenshots at desktop and phone widths."""

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


def watched_page(context, live_server, problems):
    """A page that records console errors, script errors, failed responses and requests to other sites."""
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("request", lambda r: r.url.startswith(live_server.url) or problems.append(f"outside request {r.url}"))
    return page


def test_public_walk_home_directory_industry_member_language_search(live_server, browser):
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = watched_page(context, live_server, problems)

    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/zh-hans/"
    assert page.locator("h1").inner_text() == "中国绿色制造联盟"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="会员").click()
    assert page.url.endswith("/zh-hans/members/")
    assert page.locator("h1").inner_text() == "会员名录"

    page.get_by_role("link", name="电子信息", exact=True).click()
    assert page.url.endswith("/zh-hans/members/industries/electronics-information/")
    assert page.locator("h1").inner_text() == "电子信息"

    page.get_by_role("link", name="联想集团").click()
    assert page.url.endswith("/zh-hans/members/lenovo-group/")
    assert page.locator("h1").inner_text() == "联想集团"
    assert "杨元庆" in page.locator("main").inner_text()

    page.get_by_role("navigation", name="语言").get_by_role("link", name="繁體中文").click()
    assert page.url.endswith("/zh-hant/members/lenovo-group/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert page.locator("h1").inner_text() == "聯想集團"
    page.get_by_role("navigation", name="語言").get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Lenovo Group"

    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_label("Search members").fill("华为")
    page.get_by_role("button", name="Search").click()
    assert "q=" in page.url
    results = page.locator("main").inner_text()
    assert "Huawei" in results and "1 member found" in results

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    context.close()
    assert problems == []


def test_public_pages_read_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/members/")
    assert "Lenovo Group" in page.locator("main").inner_text()
    page.goto(live_server.url + "/en/governance/")
    assert "Yang Yuanqing" in page.locator("main").inner_text()
    context.close()


SCREENSHOT_PAGES = {
    "home": "/zh-hans/",
    "home-en": "/en/",
    "directory": "/zh-hans/members/",
    "industry": "/zh-hans/members/industries/electronics-information/",
    "member": "/zh-hant/members/lenovo-group/",
    "governance": "/en/governance/",
    "search": "/en/members/?q=zhong",
}


def test_public_pages_screenshots_at_desktop_and_phone_widths(live_server, browser, screenshot_dir):
    problems = []
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        page = watched_page(context, live_server, problems)
        for name, path in SCREENSHOT_PAGES.items():
            page.goto(live_server.url + path)
            # Nothing may be wider than the screen: a phone reader should never scroll sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width_name)
            page.screenshot(path=screenshot_dir / f"public-{name}-{width_name}.png", full_page=True)
        context.close()
    assert problems == []
