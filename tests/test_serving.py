"""`make serve`'s pieces: gunicorn with its config, DEBUG off, hashed and compressed static files."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

# One server for the module, on one worker of a parallel run (its static files go to a directory of its own).
pytestmark = pytest.mark.xdist_group("serving")

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serving")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}} | {
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "STATIC_DIR": str(tmp_path / "static"),
    }
    for command in (["collectstatic", "--no-input", "-v0"], ["migrate", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "registry/gunicorn.conf.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield base, tmp_path
    server.terminate()
    server.wait(timeout=30)


def test_gunicorn_serves_the_site_with_debug_off(production_server):
    base, served_from = production_server
    access_log = served_from / "access.log"
    status, headers, body = fetch(f"{base}/healthz")
    assert (status, body) == (200, b"ok\n")
    status, _, body = fetch(f"{base}/zh-hans/members/no-such-member/")
    assert status == 404
    assert b"Traceback" not in body and b"DEBUG" not in body  # no debug page in production
    assert "/healthz" in access_log.read_text()


def test_static_files_are_hashed_compressed_and_cached_for_ever(production_server):
    base, served_from = production_server
    manifest = (served_from / "static" / "staticfiles.json").read_text()
    hashed = next(name for name in json.loads(manifest)["paths"].values() if name.startswith("css/"))
    status, headers, _ = fetch(f"{base}/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
