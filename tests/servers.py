"""Real servers for the tests: gunicorn as `make serve` runs it, and a TCP forwarder to put in front of PostgreSQL."""

import contextlib
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, headers=None, data=None, timeout=15):
    """(status, headers, body, seconds taken) of one request; an HTTP error is an answer too."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - started


def production_env(tmp_path: Path, **extra: str) -> dict:
    """`make serve`'s environment, on loopback without HTTPS, with its own SQLite file unless told otherwise."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return (
        env
        | {
            "DEBUG": "0",
            "SECRET_KEY": "serving-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
            "LOGIN_SLOT_DIR": str(tmp_path / "login-slots"),
            "STATIC_DIR": str(tmp_path / "static"),
        }
        | extra
    )


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(env: dict, wait_for_health: bool = True):
    """gunicorn with registry/gunicorn.conf.py on a free port; yield its base URL and process."""
    port = free_port()
    with open(Path(env["GUNICORN_ACCESS_LOG"]).with_name("gunicorn.log"), "w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "registry/gunicorn.conf.py"],
            cwd=ROOT,
            env=env | {"PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while wait_for_health and time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    if fetch(f"{base}/healthz", timeout=5)[0] == 200:
                        break
                time.sleep(0.2)
            yield base, server
        finally:
            server.terminate()
            server.wait(timeout=30)


class Forwarder:
    """A TCP forwarder from a loopback port to ``target``, which can hang as a database does, or go away.

    paused: connections are accepted and bytes taken in, but nothing is passed on either way, as from a
    server that has stopped answering. stop(): the port is closed and every connection dropped, so a new
    one is refused. start() again listens on the same port.
    """

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.paused = threading.Event()
        self.thread = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.listener.setblocking(False)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)

    def _serve(self):
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ)
        peers: dict[socket.socket, socket.socket] = {}
        unsent: dict[socket.socket, bytearray] = {}  # what each end sent, not yet passed to the other
        while self.running:
            for key, _ in selector.select(timeout=0.05):
                sock = key.fileobj
                if sock is self.listener:
                    client, _address = self.listener.accept()
                    server = socket.create_connection(self.target)
                    for end, other in [(client, server), (server, client)]:
                        end.setblocking(False)
                        peers[end], unsent[end] = other, bytearray()
                        selector.register(end, selectors.EVENT_READ)
                    continue
                if sock not in peers:
                    continue  # closed with its peer earlier in this round
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if data:
                    unsent[sock].extend(data)
                    continue
                for end in (sock, peers[sock]):
                    selector.unregister(end)
                    end.close()
                    del peers[end], unsent[end]
            if not self.paused.is_set():
                for sock, data in unsent.items():
                    if data:
                        peer = peers[sock]
                        peer.setblocking(True)
                        with contextlib.suppress(OSError):
                            peer.sendall(data)
                        peer.setblocking(False)
                        data.clear()
        for sock in [self.listener, *peers]:
            sock.close()
        selector.close()
