"""The registry at 100,000 members: one table of figures, each against its anchor, measured in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench make bench

The database is dropped and created again, migrated and seeded, then filled by generate_members.
SQL queries per page are counted in-process before and after. The public pages and the admin's
organisation changelist are then served by gunicorn as `make serve` serves them, with the public page
cache off and on, and loaded from loopback; the trivial view (robots.txt: no database, no template)
on the same server is the pages' anchor. bench/bench_import.py measures import and export last.
The table is printed and written as Markdown to var/bench/results.md. Targets missed are reported,
not asserted: the exit status is non-zero only when something broke.
"""

import argparse
import json
import logging
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import run  # noqa: E402
from report import Row, admin_row, markdown_table, page_row, queries_row, rate_row, text_table  # noqa: E402
from server import (  # noqa: E402
    ROOT,
    STOCK_ADMIN,
    children,
    gunicorn,
    manage,
    peak_rss_mb,
    production_env,
    recreate_database,
    require_postgres,
    setup_django,
)

TRIVIAL = "/robots.txt"
ADMIN = "/admin/members/organisation/"
# Issue 6's figures for Django's stock admin of this list, on its author's machine: the targets' scale.
STOCK_QUOTED_MS = {"Changelist page 1": 70, "Changelist search 科技": 235}  # any later page: 155
RESULTS = ROOT / "var" / "bench" / "results.md"


def quoted(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&%")


def setup_test_client(env: dict) -> None:
    setup_django(env)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # responses carry their template context, as in the suite
    logging.getLogger("registry.requests").setLevel(logging.WARNING)  # the test client's requests


def public_pages() -> dict[str, str]:
    """The pages under test, chosen on the seeded database so that the same addresses serve before and after."""
    from django.db.models import Count, Q

    from members.models import Industry, Membership, Organisation

    active = Q(organisations__memberships__status=Membership.Status.ACTIVE)
    industry = Industry.objects.annotate(n=Count("organisations", filter=active)).order_by("-n", "slug").first()
    member = Organisation.objects.members().order_by("pinyin", "name").first()
    return {
        "Industry page": f"/zh-hans/members/industries/{industry.slug}/",
        "Directory": "/zh-hans/members/",
        "Member page": f"/zh-hans/members/{member.slug}/",
        # Seeded and generated names both hold 集团: the search finds rows before and after, like the others.
        "Search 集团": quoted("/zh-hans/members/?q=集团"),
        "Governance": "/zh-hans/governance/",
    }


def add_past_term() -> None:
    """One ended term on the seeded data, which has none, so that the governance page lists past terms
    before the load as after it: its query counts then compare the same page."""
    import datetime

    from governance.models import Person, Position, Term

    Term.objects.create(
        position=Position.objects.order_by("pk").first(),
        person=Person.objects.order_by("pk").first(),
        started_on=datetime.date(2000, 1, 1),
        ended_on=datetime.date(2001, 1, 1),
    )


def admin_pages(page: int) -> dict[str, str]:
    """The organisation changelist's first page, a later one (Django's admin counts pages from 1) and a search."""
    pages = {"Changelist page 1": ADMIN, "Changelist search 科技": quoted(f"{ADMIN}?q=科技")}
    if page > 1:
        pages[f"Changelist page {page}"] = f"{ADMIN}?p={page}"
    return pages


def last_page(client, at_most: int) -> int:
    return min(at_most, client.get(ADMIN).context["cl"].paginator.num_pages)


def editor_client():
    """A client logged in as a secretariat editor; its session lives in the database, so gunicorn accepts it."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user("bench-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat editors"))
    client = Client()
    client.force_login(user)
    return client


def count_queries(client, paths: dict[str, str], *, warm: bool) -> dict[str, int]:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, path in paths.items():
        if warm:
            client.get(path)  # the first request of a process loads content types and the like, once
        # The process's copy of the data version lasts a second (records/caching.py): count every page
        # as a process meets it when that copy has run out, so that the counts do not depend on timing.
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[name] = len(queries)
    return counts


def warm_up(base: str, paths: list[str]) -> None:
    """Every page side by side for a few seconds: workers load what they need and the cache fills."""
    run(base, paths, len(paths) * 10, len(paths), 60, {}, seconds=5)


def load_pages(base: str, pages: dict[str, str], args) -> tuple[list[dict], dict]:
    """Each page on its own, between two runs of the trivial view: the runs before and after it are its anchor.

    The machine's speed drifts (the trivial view has served 1,249 and 2,073 requests/s ten minutes apart
    here), and one anchor measured before all the pages was minutes older than the last page's figures.
    """

    def load(path: str) -> dict:
        return run(base, [path], args.requests, args.concurrency, 60, {}, seconds=args.seconds)

    trivial = [load(TRIVIAL)]
    results = {}
    for name, path in pages.items():
        results[name] = load(path)
        trivial.append(load(TRIVIAL))
    return trivial, results


def admin_p50(base: str, pages: dict[str, str], cookie: str, args) -> dict[str, tuple[dict, dict]]:
    """Sequential requests, one at a time, as one editor browsing: each list, then its stock admin's anchor."""
    headers = {"Cookie": cookie}

    def p50(path: str) -> dict:
        run(base, [path], 2, 1, 60, headers)
        result = run(base, [path], args.admin_requests, 1, 60, headers, seconds=args.seconds)
        figures = result["all"]
        if figures["non_2xx"] > figures["5xx"]:  # a redirect to the login page, or a refusal: not a figure
            raise SystemExit(f"{path} did not serve the logged-in editor: {figures}")
        return result

    return {name: (p50(path), p50(path.replace("/admin/", STOCK_ADMIN, 1))) for name, path in pages.items()}


def import_bench() -> dict[str, dict]:
    """bench/bench_import.py's phases (anchor, create, update, export), one JSON object a line."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_import.py"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"bench/bench_import.py failed:\n{result.stdout}{result.stderr}")
    phases = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            phases.setdefault(record["phase"], {}).update(record)
    return phases


def table(*, members, load_seconds, queries, served, admin, worker_rss, phases, wall) -> list[Row]:
    small, large = queries
    rows = [
        Row(
            f"Load {members:,} members (generate_members)",
            f"{load_seconds:.0f} s, {members / load_seconds:,.0f} rows/s",
        )
    ]
    # A later changelist page has no counterpart on the seeded database: the first page is its anchor.
    rows += [
        queries_row(f"Queries: {name}", small.get(name, small["Changelist page 1"]), n, members)
        for name, n in large.items()
    ]
    for cache, (label, at_least) in {"off": ("uncached", 0.25), "on": ("cached", 0.80)}.items():
        trivial, results = served[cache]
        rates = [anchor["all"]["rps"] for anchor in trivial]
        p99 = max(anchor["all"]["p99_ms"] for anchor in trivial)
        rows.append(
            Row(
                f"Trivial view {TRIVIAL}, {label} server",
                f"{min(rates):,.0f}–{max(rates):,.0f} req/s over {len(rates)} runs, one before and after each page; "
                f"p99 at most {p99:.0f} ms",
            )
        )
        rows += [
            page_row(f"{name}, {label}", result, (rates[n] + rates[n + 1]) / 2, at_least=at_least, p99_under_ms=200)
            for n, (name, result) in enumerate(results.items())
        ]
    rows += [
        admin_row(
            f"Admin as an editor: {name}", ours, stock, at_most_ms=100, stock_quoted_ms=STOCK_QUOTED_MS.get(name, 155)
        )
        for name, (ours, stock) in admin.items()
    ]
    rss = max(worker_rss)
    rows.append(
        Row(
            "Peak RSS of a gunicorn worker (VmHWM)",
            f"{rss:.0f} MB, the most of {len(worker_rss)} workers",
            target="≤ 150 MB",
            ok=rss <= 150,
        )
    )
    if phases:
        targets = {"create": 10_000, "update": 5_000, "export": 30_000}
        rows += [
            rate_row(f"Import and export: {name}", phases[name], phases["anchor"], at_least=at_least)
            for name, at_least in targets.items()
        ]
        rows.append(
            Row(
                "Peak memory of the import and export",
                ", ".join(
                    f"{name} {phases[name]['peak_mb']:,} MB ({phases[name]['peak_total_mb']:,} MB with its workers)"
                    for name in targets
                ),
                target="< 500 MB with its workers",
                ok=max(phases[name]["peak_total_mb"] for name in targets) < 500,
            )
        )
    rows.append(Row("make bench, end to end", f"{wall / 60:.1f} min", target="< 15 min", ok=wall < 15 * 60))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=6000, help="at most, per page and cache setting")
    parser.add_argument("--seconds", type=float, default=10, help="at most, per page and cache setting")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--admin-requests", type=int, default=20)
    parser.add_argument("--no-import", action="store_true", help="leave out bench/bench_import.py")
    args = parser.parse_args()
    url = require_postgres()
    started = time.perf_counter()

    # This process counts queries with Django's test client: the same settings, page cache off.
    env = production_env(PUBLIC_CACHE="0")
    print(f"Creating the database afresh, {args.members:,} members...", flush=True)
    recreate_database(url)
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["seed"]):
        manage(*command, env=env, capture=True)
    setup_test_client(env)
    from django.db import connection
    from django.test import Client

    add_past_term()
    public, editor = Client(), editor_client()
    pages = public_pages()
    small = count_queries(public, pages, warm=True) | count_queries(editor, admin_pages(1), warm=True)
    connection.close()

    load_started = time.perf_counter()
    manage("generate_members", str(args.members), "--seed", str(args.seed), env=env, capture=True)
    load_seconds = time.perf_counter() - load_started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum soon would after a load this size
    admin = admin_pages(last_page(editor, 500))
    large = count_queries(public, pages, warm=False) | count_queries(editor, admin, warm=False)
    cookie = f"sessionid={editor.cookies['sessionid'].value}"
    connection.close()

    print("Loading the pages through gunicorn, page cache off, then on...", flush=True)
    served, worker_rss = {}, []
    for cache in ("off", "on"):
        # Workers are not recycled during the run, so that their peak memory is the run's.
        server_env = env | {"PUBLIC_CACHE": "1" if cache == "on" else "0"}
        log = RESULTS.parent / f"gunicorn-cache-{cache}.log"
        # The site as `make serve` serves it, with Django's stock admin of the organisation list beside its own.
        stock = ("--pythonpath", "bench", "default_admin:application()")
        with gunicorn(server_env, log=log, args=("--max-requests", "0", *stock)) as (server, base):
            warm_up(base, [TRIVIAL, *pages.values()])
            if cache == "off":  # before the load, so that the editor meets a quiet server
                admin_served = admin_p50(base, admin, cookie, args)
            served[cache] = load_pages(base, pages, args)
            worker_rss += [peak_rss_mb(pid) for pid in children(server.pid)]

    phases = {}
    if not args.no_import:
        print("Import and export (bench/bench_import.py)...", flush=True)
        phases = import_bench()

    rows = table(
        members=args.members,
        load_seconds=load_seconds,
        queries=(small, large),
        served=served,
        admin=admin_served,
        worker_rss=worker_rss,
        phases=phases,
        wall=time.perf_counter() - started,
    )
    print()
    print(text_table(rows))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(markdown_table(rows) + "\n")
    print(f"\nAlso in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
