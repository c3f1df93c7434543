"""A bounded load test of the public site: gunicorn and PostgreSQL on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_load python bench/loadtest.py --members 2000

Migrates and seeds the database, adds synthetic members up to --members, serves the site with
gunicorn as `make serve` does, and sends --requests requests across the public pages. Exits 1 if
any request failed or answered 5xx.
"""

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import run  # noqa: E402
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
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

    with gunicorn(env, log=ROOT / "var" / "loadtest-gunicorn.log") as (_, base):
        run(base, paths, min(len(paths) * 2, 2000), args.concurrency, 30, {})  # warm the cache and the workers
        result = run(base, paths, args.requests, args.concurrency, 30, {})

    total = result["all"]
    print(
        f"{args.requests} requests over {len(paths)} public paths, {args.concurrency} connections, "
        f"{args.workers} gunicorn workers, {args.members} organisations"
    )
    print(
        f"requests/s {total['rps']}  p50 {total['p50_ms']} ms  p99 {total['p99_ms']} ms  "
        f"errors {total['errors']}  5xx {total['5xx']}  other non-2xx {total['non_2xx'] - total['5xx']}"
    )
    complete = total["requests"] == args.requests
    sys.exit(0 if complete and not total["errors"] and not total["5xx"] else 1)


if __name__ == "__main__":
    main()
