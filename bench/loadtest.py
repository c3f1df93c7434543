"""A bounded load test of the public site: gunicorn and PostgreSQL on loopback, with and without a login flood.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_load python bench/loadtest.py --members 2000

Migrates and seeds the database, adds synthetic members up to --members, serves the site with
gunicorn as `make serve` does, and sends --requests requests across the public pages; then sends them
again while --flood-threads threads post wrong passwords to the admin's login as fast as it answers, from
--flood-addresses loopback addresses (127.0.1.x) and a new username each time: password spraying from many
addresses at once. Prints the public pages' throughput and p99 both ways. Exits 1 if any public request
failed or answered 5xx, or if the flood took the public pages below half their throughput.
"""

import argparse
import http.client
import itertools
import multiprocessing
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import LOOPBACK, run  # noqa: E402
from server import ROOT, gunicorn, manage, production_env, require_postgres, setup_django  # noqa: E402


def public_paths(members: int, env) -> list[str]:
    """Every kind of public page, in every language, over a sample of members and industries."""
    setup_django(env)
    from members.models import Industry, Organisation

    rng = random.Random(1)
    slugs = list(Organisation.objects.members().values_list("slug", flat=True)[:5000])
    industries = list(Industry.objects.values_list("slug", flat=True))
    paths = []
    for language in ["zh-hans", "zh-hant", "en"]:
        paths += [f"/{language}/", f"/{language}/members/", f"/{language}/governance/"]
        paths += [f"/{language}/members/industries/{slug}/" for slug in industries]
        paths += [f"/{language}/members/industries/{industries[0]}/?page=2"]
        paths += [f"/{language}/members/{slug}/" for slug in rng.sample(slugs, min(20, len(slugs)))]
        paths += [f"/{language}/members/?q=科技", f"/{language}/members/?q=lianxiang"]
    return paths


def login_flood(base: str, addresses: list[str], threads: int, stop: threading.Event) -> Counter:
    """Wrong passwords for ever-new usernames, posted to the admin's login from ``addresses`` until ``stop``."""
    url = urlsplit(base)
    if url.hostname not in LOOPBACK or not all(a.startswith("127.") for a in addresses):
        raise SystemExit("the login flood is for loopback only")
    answers: Counter = Counter()
    lock = threading.Lock()
    source = itertools.cycle(addresses)
    serial = itertools.count()

    def flood():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        connection.request("GET", "/admin/login/")
        response = connection.getresponse()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
        cookie = response.getheader("Set-Cookie").split(";")[0]
        connection.close()
        while not stop.is_set():
            with lock:
                address, n = next(source), next(serial)
            body = urlencode({"csrfmiddlewaretoken": token, "username": f"spray-{n}", "password": "guess"})
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=(address, 0))
            try:
                connection.request("POST", "/admin/login/", body, headers)
                status = connection.getresponse().status
            except OSError:
                status = "error"
            finally:
                connection.close()
            with lock:
                answers[status] += 1

    workers = [threading.Thread(target=flood) for _ in range(threads)]
    for worker in workers:
        worker.start()
    stop.wait()
    for worker in workers:
        worker.join()
    return answers


def flood_process(base, addresses, threads, stop, results) -> None:
    results.put(login_flood(base, addresses, threads, stop))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--flood-threads", type=int, default=6)
    parser.add_argument("--flood-addresses", type=int, default=50)
    args = parser.parse_args()
    if not 0 < args.requests <= 200_000 or not 0 <= args.flood_threads <= 32 or not 0 < args.flood_addresses <= 250:
        raise SystemExit("requests must be 1..200,000, flood threads 0..32 and flood addresses 1..250")
    require_postgres()
    env = production_env(WEB_CONCURRENCY=str(args.workers))
    manage("migrate", "--no-input", "-v0", env=env)
    manage("collectstatic", "--no-input", "-v0", env=env)
    manage("seed", env=env)
    count = "from members.models import Organisation; print(Organisation.objects.count())"
    existing = int(manage("shell", "-v0", "-c", count, env=env, capture=True))
    if existing < args.members:
        manage("generate_members", str(args.members - existing), "--seed", "1", env=env)
    paths = public_paths(args.members, env)

    addresses = [f"127.0.1.{n}" for n in range(1, args.flood_addresses + 1)]
    with gunicorn(env, log=ROOT / "var" / "loadtest-gunicorn.log") as (_, base):
        run(base, paths, min(len(paths) * 2, 2000), args.concurrency, 30, {})  # warm the cache and the workers
        quiet = run(base, paths, args.requests, args.concurrency, 30, {})
        # The flood runs in a process of its own: in this one it would take the load generator's GIL, and
        # slow the public requests' client rather than the server.
        context = multiprocessing.get_context("fork")
        stop, results = context.Event(), context.Queue()
        flooding = context.Process(target=flood_process, args=(base, addresses, args.flood_threads, stop, results))
        started = time.monotonic()
        flooding.start()
        time.sleep(2)  # the flood under way
        flooded = run(base, paths, args.requests, args.concurrency, 30, {})
        stop.set()
        answers = results.get(timeout=60)
        flooding.join()
        seconds = time.monotonic() - started

    print(
        f"{args.requests} requests over {len(paths)} public paths, {args.concurrency} connections, "
        f"{args.workers} gunicorn workers, {args.members} organisations; measured on a shared {os.cpu_count()}-core "
        "machine, load generator and server on the same cores"
    )
    for label, result in [("without login flood", quiet), ("with login flood", flooded)]:
        total = result["all"]
        print(
            f"{label:<20} requests/s {total['rps']:>7}  p50 {total['p50_ms']:>6} ms  p99 {total['p99_ms']:>7} ms  "
            f"errors {total['errors']}  5xx {total['5xx']}  other non-2xx {total['non_2xx'] - total['5xx']}"
        )
    logins = sum(answers.values())
    print(
        f"login flood: {args.flood_threads} threads from {len(addresses)} addresses, {logins} attempts in "
        f"{seconds:.0f} s ({logins / seconds:.0f}/s), answers {dict(sorted(answers.items(), key=str))}"
    )
    ratio = flooded["all"]["rps"] / quiet["all"]["rps"]
    print(f"public throughput under the flood: {ratio:.0%} of without")
    ok = all(
        r["all"]["requests"] == args.requests and not r["all"]["errors"] and not r["all"]["5xx"]
        for r in (quiet, flooded)
    )
    sys.exit(0 if ok and ratio >= 0.5 else 1)


if __name__ == "__main__":
    main()
