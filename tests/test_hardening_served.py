"""Limits that only a real gunicorn shows: huge bodies, sign-ins across worker processes, DEBUG refused."""

import http.client
import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from registry.logins import password_check_slot
from tests.servers import GUNICORN, ROOT, fetch, gunicorn, manage, production_env

pytestmark = pytest.mark.xdist_group("serving")  # the gunicorn servers' tests, on one worker of a parallel run


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hardening")
    (tmp_path / "spool").mkdir()
    env = production_env(tmp_path, TMPDIR=str(tmp_path / "spool"))
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "migrate", "-v0")
    with gunicorn(env) as (base, _server):
        yield base, tmp_path


def post_headers_only(base: str, path: str, length: int) -> tuple[int, bytes, float]:
    """Send a POST's headers claiming ``length`` bytes and no more than a little of the body; read the answer."""
    url = urllib.parse.urlsplit(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
            + b'--x\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'
            + b"\0" * 65536
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read(), time.monotonic() - started


def test_a_huge_anonymous_post_is_refused_before_its_body_is_read_or_spooled(served):
    base, tmp_path = served
    status, body, seconds = post_headers_only(base, "/zh-hans/members/", 476 * 1024 * 1024)
    assert status == 413 and seconds < 5  # answered with 476 MB still unsent
    assert "内容过大" in body.decode() and "1.0\xa0MB" in body.decode()  # "too large", and the limit
    assert list((tmp_path / "spool").iterdir()) == []  # nothing written to the temporary directory


def test_the_admin_takes_a_larger_body_than_the_public_site_but_not_an_unbounded_one(served, settings):
    base, _ = served
    assert post_headers_only(base, "/admin/login/", settings.ADMIN_MAX_REQUEST_BODY + 1)[0] == 413
    # 2 MB is within the admin's limit (the largest import and a margin): the body is read, and CSRF refuses it.
    status, _, _ = post_headers_only(base, "/admin/login/", 2 * 1024 * 1024)
    assert status == 403


def test_sign_ins_beyond_the_machines_password_check_slots_are_turned_away_by_every_worker(served, settings):
    base, tmp_path = served
    settings.LOGIN_SLOT_DIR = tmp_path / "login-slots"  # the server's slots: this process holds one
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "nobody", "password": "x"}).encode()

    def sign_in():
        request = urllib.request.Request(f"{base}/admin/login/", data=form, headers={"Referer": f"{base}/admin/login/"})
        try:
            with opener.open(request) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with password_check_slot() as slot:
        assert slot == 0
        answers = [sign_in() for _ in range(4)]  # two workers: each of them refuses
    assert {status for status, _ in answers} == {429}
    assert "此刻登录的人过多" in answers[0][1]
    status, page = sign_in()
    assert status == 200 and "请输入一个正确的工作人员账户" in page  # checked, and wrong


def test_the_error_pages_served_with_debug_off_say_nothing_internal(served):
    base, _ = served
    for url, status in [("/zh-hans/members/no-such-member/", 404), ("/en/no-such-page/", 404)]:
        answer, _, body, _ = fetch(base + url)
        assert answer == status
        assert b"Traceback" not in body and b"DEBUG" not in body and b"urlpatterns" not in body
    answer, _, body, _ = fetch(base + "/en/", headers={"Host": "evil.example"})
    assert answer == 400 and b"Bad request" in body and b"evil.example" not in body


def start_gunicorn(tmp_path, **env):
    """Run gunicorn until it exits; a value of None leaves that variable unset."""
    environment = production_env(tmp_path) | env
    return subprocess.run(
        [str(GUNICORN), "-c", "registry/gunicorn.conf.py", "--bind", "127.0.0.1:0"],
        cwd=ROOT,
        env={k: v for k, v in environment.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_refuses_to_start_with_debug_on_unless_told_so(tmp_path):
    for debug in [None, "1"]:  # DEBUG's default is on, for development
        result = start_gunicorn(tmp_path, DEBUG=debug)
        assert result.returncode != 0
        assert "gunicorn will not serve the site with DEBUG on" in result.stdout + result.stderr


def test_gunicorn_serves_debug_pages_when_told_so_explicitly(tmp_path):
    env = production_env(tmp_path, GUNICORN_ALLOW_DEBUG="1")
    env.pop("DEBUG")
    manage(env | {"DEBUG": "0"}, "migrate", "-v0")
    with gunicorn(env) as (base, server):
        assert fetch(f"{base}/healthz")[0] == 200
        assert server.poll() is None
