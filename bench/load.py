"""A bounded HTTP load generator for loopback: N requests over C keep-alive connections, for at most S seconds.

    python bench/load.py http://127.0.0.1:8000 /zh-hans/ /en/members/ --requests 5000 --concurrency 8 --seconds 30

Prints requests/s, p50 and p99 latency, errors and 5xx, per path and in all; --json for machines.
Refuses any host but loopback, so it cannot be pointed at someone else's server.
"""

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse
from collections import defaultdict

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run(
    base: str,
    paths: list[str],
    requests: int,
    concurrency: int,
    timeout: float,
    headers: dict,
    seconds: float | None = None,
) -> dict:
    """Send up to `requests` requests, and none after `seconds` (the requests under way finish)."""
    url = urllib.parse.urlsplit(base)
    paths = [urllib.parse.quote(path, safe="/?=&%") for path in paths]  # 科技 in a query, say
    if url.hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load {url.hostname}: loopback only")
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    errors: dict[str, int] = defaultdict(int)
    counter = iter(range(requests))
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
        while True:
            with lock:
                n = next(counter, None)
            if n is None or (deadline is not None and time.perf_counter() > deadline):
                break
            path = paths[n % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except Exception:  # noqa: BLE001 - any failure is a failed request, and the run goes on
                connection.close()
                connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
                with lock:
                    errors[path] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies[path].append(elapsed)
                statuses[path][status] += 1
        connection.close()

    started = time.perf_counter()
    deadline = started + seconds if seconds else None
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    def summary(lat: list[float], codes: dict[int, int], errs: int, seconds: float) -> dict:
        return {
            "requests": len(lat) + errs,
            "rps": round((len(lat) + errs) / seconds, 1),
            "p50_ms": round(percentile(lat, 0.50) * 1000, 1),
            "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
            "errors": errs,
            "5xx": sum(n for code, n in codes.items() if code >= 500),
            "non_2xx": sum(n for code, n in codes.items() if not 200 <= code < 300),
        }

    everything = [x for path in paths for x in latencies[path]]
    all_codes: dict[int, int] = defaultdict(int)
    for path in paths:
        for code, n in statuses[path].items():
            all_codes[code] += n
    return {
        "seconds": round(wall, 2),
        "concurrency": concurrency,
        "all": summary(everything, all_codes, sum(errors.values()), wall),
        "paths": {
            # Paths share the run, so a path's own requests/s would mean nothing: load one path for that.
            path: summary(latencies[path], statuses[path], errors[path], wall)
            | {"rps": None, "mean_ms": round(statistics.fmean(latencies[path]) * 1000, 1) if latencies[path] else None}
            for path in paths
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=None, help="send no request after this many seconds")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 0 < args.requests <= 1_000_000 or not 0 < args.concurrency <= 256:
        raise SystemExit("requests must be 1..1,000,000 and concurrency 1..256")
    headers = dict(h.split(": ", 1) for h in args.header)
    result = run(args.base, args.paths, args.requests, args.concurrency, args.timeout, headers, args.seconds)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{'path':<50} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'5xx':>5}")
    for path, row in [*result["paths"].items(), ("(all)", result["all"])]:
        print(
            f"{path[:50]:<50} {row['requests']:>9} {row['rps'] or '':>8} {row['p50_ms']:>8} {row['p99_ms']:>8} "
            f"{row['errors']:>7} {row['5xx']:>5}"
        )


if __name__ == "__main__":
    main()
