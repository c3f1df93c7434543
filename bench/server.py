"""What the benchmarks share: a PostgreSQL database, manage.py, and gunicorn served as `make serve` serves."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOCK_ADMIN = "/default-admin/"  # bench/default_admin.py: Django's stock admin, the changelist's anchor


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database: the benchmarks measure production's setup, e.g.\n"
            "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench make bench"
        )
    return url


def _maintenance_connection(url: str):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"], "dbname": "postgres"}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    return config["NAME"], psycopg.connect(**params, autocommit=True)


def recreate_database(url: str) -> None:
    """Start from an empty database, so that every run measures the same thing."""
    name, connection = _maintenance_connection(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def ensure_database(url: str) -> None:
    """Create the database if it does not exist yet, keeping what an existing one holds."""
    name, connection = _maintenance_connection(url)
    with connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict | None = None) -> None:
    """Django in this process, with the environment the servers get."""
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(*args: str, env: dict, capture: bool = False) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True)
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout or ''}{result.stderr or ''}")
    return result.stdout if capture else ""


def production_env(**extra: str) -> dict:
    """The environment of `make serve`, on loopback, without HTTPS."""
    return (
        os.environ
        | {
            "DEBUG": "0",
            "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        | extra
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


@contextlib.contextmanager
def gunicorn(env: dict, *, log: Path, args: tuple[str, ...] = ()):
    """Serve the site with registry/gunicorn.conf.py on a free loopback port; yield the server process and its URL."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "registry/gunicorn.conf.py", *args],
            cwd=ROOT,
            env=env | {"HOST": "127.0.0.1", "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz")
            yield server, base
        finally:
            server.terminate()
            server.wait(timeout=30)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # The parent's pid is the field after the command name, which may hold spaces.
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def pss_mb(pid: int) -> float:
    """The process's proportional set size in MB: its own pages, and its share of those it shares with
    others (a forked worker's pages still shared with its parent count half to each)."""
    with contextlib.suppress(OSError):  # the process may have ended
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int) -> float:
    """The most resident memory the process has held (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmHWM for process {pid}")
