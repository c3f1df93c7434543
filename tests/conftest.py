import datetime
import email
import email.policy
import io
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import translation
from psycopg import sql

from governance.models import Body, Person, Position
from members import listing
from members.models import Industry, Membership, Organisation
from members.transfer import import_members
from registry.migrations._setup import create_roles

FOUNDING_DAY = datetime.date(2017, 7, 22)
ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"  # member files for the import's cases
BYD_CODE = "914403001922038216"  # 比亚迪's credit code, in the member files under DATA
IMPORT_URL = "/admin/members/organisation/import/"
PROCESS_URL = "/admin/members/organisation/process_import/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a login by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def own_login_slots(settings, tmp_path):
    # The password-check slots are machine-wide file locks (registry/logins.py): a test's own, so that
    # sign-ins in parallel test processes are not turned away by each other's.
    settings.LOGIN_SLOT_DIR = tmp_path / "login-slots"


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Each process keeps pages and the data version in memory (records/caching.py); the database under
    # them is rolled back after every test, so the next test must not meet them.
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def default_language():
    # A request in another language leaves it active in this thread; the next test starts afresh.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english(client):
    """The test client, asking for pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def in_english():
    """English active in this thread, for messages made outside a request."""
    with translation.override("en"):
        yield


def manage_process(*args, env: dict) -> subprocess.CompletedProcess:
    """``manage.py`` run in a process of its own with ``env`` as its whole environment."""
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def manage(database_url, *args) -> str:
    """``manage.py`` run in a process of its own on ``database_url``: its output, or the test fails with its errors."""
    result = manage_process(*args, env=os.environ | {"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def new_postgres_database():
    """Makes empty databases on the test server, outside the test's transaction, and drops them afterwards.

    Called with what the database is for (it names it), it returns the database's URL for other processes.
    """
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    user, host, port = params.get("user", ""), params.get("host", ""), params.get("port", "")
    base = f"postgresql://{user + '@' if user else ''}{host}{':' + str(port) if port else ''}"
    names = []
    with psycopg.connect(**params, autocommit=True) as admin:

        def create(purpose: str) -> str:
            name = f"registry_{purpose}_{uuid.uuid4().hex[:8]}"
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            names.append(name)
            return f"{base}/{name}"

        try:
            yield create
        finally:
            for name in names:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def expected_status(organisation: Organisation) -> str:
    """The status staff would read off the memberships: the open one's, else the latest ended one's."""
    memberships = list(organisation.memberships.all())
    open_ = [m for m in memberships if m.status != Membership.Status.WITHDRAWN]
    if open_:
        return open_[0].status
    if not memberships:
        return ""
    return max(memberships, key=lambda m: (m.since or datetime.date.min, m.pk)).status


def seed_alliance():
    call_command("seed", settings.SEED_DIR / "china-green-manufacturing-alliance.toml", stdout=io.StringIO())


def form_data(response) -> dict:
    """What an admin change page (its inlines' rows too) posts back as it was shown."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        forms += formset.initial_forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def with_new_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """``data`` with ``rows`` added to the inline whose prefix is ``prefix``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for n, row in enumerate(rows, start=total):
        data.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = total + len(rows)
    return data


def snapshot():
    """Everything an import could change, to check that a refused import changed nothing."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        Organisation.history.count(),
    )


def run_import(name, *args):
    """``import_members`` of the file ``name`` under DATA (or a path): what it wrote to stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", str(DATA / name), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(name, *args):
    """``import_members`` of a file it must refuse, exiting 1: what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_members", str(DATA / name), *args, stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    return err.getvalue()


def problems_of(text: str, language="en") -> list[str]:
    """The problems the import finds in the CSV ``text``, as a user reading ``language`` is told them."""
    with translation.override(language):
        return [str(problem) for problem in import_members(text.encode(), filename="m.csv").errors]


def confirm_data(preview) -> dict:
    """What the admin import's confirmation form posts, from the response that previewed the file."""
    confirm = preview.context["confirm_form"]
    return {name: confirm[name].value() for name in confirm.fields}


def export_members(tmp_path, *args, name="out.csv"):
    """``export_members`` written to ``name`` in ``tmp_path``: the file's path."""
    path = tmp_path / name
    call_command("export_members", "-o", str(path), *args, stdout=io.StringIO())
    return path


@pytest.fixture(scope="session")
def seed_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed's rows as a Django fixture file: seeded once a test process, dumped, and rolled back."""
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    with django_db_blocker.unblock(), transaction.atomic():
        seed_alliance()
        call_command("dumpdata", "records", "alliance", "members", "governance", output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


def add_membership(**fields) -> Membership:
    """A membership written as the product's writers write one: saved, then the listing refreshed."""
    membership = Membership.objects.create(**fields)
    listing.refresh(organisations=[membership.organisation_id])
    return membership


@pytest.fixture
def seeded(db, seed_rows):
    # Loading the rows the seed wrote takes a third of the time of seeding again, and a hundred tests start so.
    call_command("loaddata", seed_rows, verbosity=0)


@pytest.fixture
def industry(db):
    return Industry.objects.create(name="電子信息", name_en="Electronics and information", slug="electronics")


@pytest.fixture
def organisation(industry):
    return Organisation.objects.create(name="聯想集團", short_name="聯想", industry=industry)


@pytest.fixture
def active_member(organisation):
    add_membership(organisation=organisation, status=Membership.Status.ACTIVE, since=FOUNDING_DAY)
    return organisation


@pytest.fixture
def council(db):
    return Body.objects.create(name="理事會", name_en="Council", slug="council", kind=Body.Kind.COUNCIL)


@pytest.fixture
def chairman(council):
    return Position.objects.create(body=council, name="理事長", name_en="Chairman", rank=1, seats=1)


@pytest.fixture
def person(db):
    return Person.objects.create(name="楊元慶", name_en="Yang Yuanqing")


def _staff(username: str, group: str):
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    if not Group.objects.filter(name=group).exists():
        # A transactional test (the browser's) flushes the tables, and with them the migration's groups.
        create_roles(apps, None)
    user = User.objects.create_user(username, password="correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def secretariat_editor(db):
    return _staff("editor", "Secretariat editors")


@pytest.fixture
def viewer(db):
    return _staff("viewer", "Secretariat viewers")


@pytest.fixture
def editor_client(client, secretariat_editor):
    client.force_login(secretariat_editor)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def applied_member(organisation):
    add_membership(organisation=organisation, status=Membership.Status.APPLIED)
    return organisation


@pytest.fixture
def suspended_member(organisation):
    add_membership(organisation=organisation, status=Membership.Status.SUSPENDED, since=FOUNDING_DAY)
    return organisation


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, which `make browser` installs
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def screenshot_dir():
    """Where browser tests save screenshots: var/ by default, docs/screenshots under `make screenshots`."""
    path = Path(os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "var" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(live_server, seeded, monkeypatch):
    """Debian's Chromium under Playwright, started after the database is set up.

    Playwright's sync API runs an event loop in this thread, and Django gives code under a running
    loop a connection of its own: with the data already written, PostgreSQL can drop the test database.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver (`make browser`)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The connection the test's queries opened under Playwright's loop: left open, it keeps PostgreSQL
        # from dropping the test database at the end of the run.
        connections.close_all()


@pytest.fixture
def run_worker(monkeypatch, settings, tmp_path):
    """Run the tasks waiting, as `manage.py db_worker --batch` does, in this process and this test's database.

    The worker drops connections left in a transaction between tasks, as it should; the test's own
    transaction must outlive it. Files the jobs keep go to a directory of the test's own.
    """
    import signal

    from django_tasks_db.management.commands import db_worker

    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)

    return run


class Inbox:
    """What a real SMTP server on loopback received; ``refuse`` maps an address to the replies it gets first."""

    def __init__(self):
        self.messages = []
        self.raw: list[bytes] = []
        self.refuse: dict[str, list[str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        replies = self.refuse.get(address)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server (aiosmtpd) on a free loopback port, which the registry's mail goes to."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = '"中国绿色制造联盟秘书处" <secretariat@cgma.example.cn>'
    yield inbox
    controller.stop()


@pytest.fixture
def page(browser):
    """An admin page in Chromium that fails the test on any console error, such as a style the CSP refused."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []


@pytest.fixture
def shoot(screenshot_dir):
    def shoot(page, name):
        page.screenshot(path=screenshot_dir / f"admin-{name}.png", full_page=True)

    return shoot


def log_in_as_editor(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
