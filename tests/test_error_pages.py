"""The site's own error pages, in the page's language, with nothing about the fault in them."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

import registry.urls

SECRET = "the-fault-itself-secret-detail"


def broken(request, lang):
    raise RuntimeError(SECRET)


def database_gone(request, lang):
    raise OperationalError(f"connection to server at 10.1.2.3 failed: {SECRET}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [
    path("<str:lang>/broken/", broken),
    path("<str:lang>/database-gone/", database_gone),
    path("upload/", fine),
    *registry.urls.urlpatterns,
]
handler400, handler403, handler500 = registry.urls.handler400, registry.urls.handler403, registry.urls.handler500


def says_nothing_internal(response):
    text = response.content.decode()
    return SECRET not in text and "Traceback" not in text and "10.1.2.3" not in text and "settings" not in text


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "accept", "text"),
    [("zh-hans", "zh-CN", "出错了"), ("zh-hant", "zh-TW", "出錯了"), ("en", "en", "Something went wrong")],
)
def test_a_fault_gives_the_sites_own_500_page_in_the_pages_language(db, language, accept, text):
    client = Client(raise_request_exception=False)
    response = client.get(f"/{language}/broken/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 500
    assert text in response.content.decode() and says_nothing_internal(response)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("accept", "text"), [("zh-CN", "暂时无法服务"), ("zh-TW", "暫時無法服務"), ("en", "Service unavailable")]
)
def test_a_database_fault_gives_the_503_page_in_the_pages_language(db, accept, text):
    response = Client(raise_request_exception=False).get("/x/database-gone/", HTTP_ACCEPT_LANGUAGE=accept)
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert text in response.content.decode() and says_nothing_internal(response)


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "请求无法处理"), ("zh-hant", "請求無法處理"), ("en", "Bad request")]
)
def test_a_request_for_another_host_gives_the_400_page(db, language, text):
    response = Client().get(f"/{language}/", HTTP_HOST="registry.example.net")
    assert response.status_code == 400
    assert text in response.content.decode() and "registry.example.net" not in response.content.decode()


@pytest.mark.parametrize(("accept", "text"), [("zh-CN", "无权访问"), ("zh-TW", "無權存取"), ("en", "Not allowed")])
def test_a_form_without_its_csrf_token_gives_the_403_page(db, accept, text):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "a", "password": "b"}, HTTP_ACCEPT_LANGUAGE=accept
    )
    assert response.status_code == 403
    assert text in response.content.decode() and "CSRF" not in response.content.decode()


def test_a_page_the_user_may_not_see_gives_the_403_page(viewer_client):
    response = viewer_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "找不到页面"), ("zh-hant", "找不到頁面"), ("en", "Page not found")]
)
def test_an_address_that_is_no_page_gives_the_404_page(db, client, language, text):
    response = client.get(f"/{language}/members/industries/no-such-industry/")
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_body_over_the_public_limit_gives_the_413_page_before_it_is_read(db, client, settings):
    settings.MAX_REQUEST_BODY = 1000
    response = client.post("/upload/", {"text": "x" * 2000}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "Too large" in response.content.decode() and "1000\xa0bytes at most" in response.content.decode()
    assert client.post("/upload/", {"text": "x" * 500}).status_code == 200


ERROR_SCREENSHOTS = {"500": "/zh-hans/broken/", "503": "/zh-hant/database-gone/", "404": "/en/members/no-such-member/"}


@pytest.mark.urls(__name__)
def test_error_pages_in_the_browser_screenshots(live_server, browser, screenshot_dir, settings):
    context = browser.new_context(viewport={"width": 1280, "height": 640}, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    for name, address in ERROR_SCREENSHOTS.items():
        response = page.goto(live_server.url + address)
        assert response.status == int(name)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            != "rgba(0, 0, 0, 0)"
        )
        page.screenshot(path=screenshot_dir / f"error-{name}.png", full_page=True)

    from registry.logins import password_check_slot

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "anything")
    with password_check_slot():
        with page.expect_response(lambda r: r.url.endswith("/admin/login/") and r.request.method == "POST") as answer:
            page.click("input[type=submit]")
        assert answer.value.status == 429
    assert "此刻登录的人过多" in page.locator("main").inner_text()
    page.screenshot(path=screenshot_dir / "error-429-sign-in.png", full_page=True)
    context.close()
