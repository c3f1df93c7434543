"""The admin's export and import of 100,000 organisations through their tasks, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_tasks make bench-tasks

The database is dropped and created again, migrated, seeded, and given 100,000 organisations by
``manage.py generate_members 100000 --seed 1``. A secretariat editor then works through the admin
(Django's test client in this process, the admin's real views): the export of the whole list, and the
import of a file of 100,000 new organisations (bench/bench_import.py's file), its preview and its
confirmation. Each job is run by a worker started for it, ``manage.py db_worker --batch``, as its own
process: the seconds are from the page's form to the job's page saying it finished (worker start-up
included), the memory the worker's peak resident set (VmHWM, sampled from /proc every 0.1 s) and the
most it and the processes it forks held at once (their proportional set sizes summed). The job's page
is read every two seconds meanwhile, as its refresh does, to show the progress a secretary sees. The anchor is
``manage.py import_members`` of the same file into the same registry, measured afterwards.
"""

import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import ROOT, children, production_env, pss_mb, recreate_database, require_postgres, setup_django  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_ROWS", "100000"))
_PROGRESS = re.compile(r'<progress class="job-bar" max="(\d+)" value="(\d+)">')


def main() -> None:
    url = require_postgres()
    recreate_database(url)
    files = tempfile.mkdtemp(prefix="bench-tasks-")
    # The pages in this process, in development settings (the test client speaks plain HTTP); the workers
    # and the command as `make serve` runs things, DEBUG off. Both keep files in the same storage.
    setup_django({"FILES_DIR": files, "ALLOWED_HOSTS": "testserver", "DEBUG": "1"})
    env = production_env(FILES_DIR=files)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's responses carry their context

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed", str(ROOT / "fixtures" / "china-green-manufacturing-alliance.toml"), verbosity=0)
    call_command("generate_members", str(MEMBERS), "--seed", "1", stdout=io.StringIO())
    from django.db import connection

    with connection.cursor() as cursor:
        # As docs/operations.md asks after a large import where autovacuum is off (as on these machines):
        # the anchor's tables are vacuumed and analysed too (bench_import.clean).
        cursor.execute("VACUUM ANALYZE")
    print(
        f"PostgreSQL; migrated, seeded and generate_members {MEMBERS} --seed 1 in {time.perf_counter() - started:.1f} s"
    )

    from django.contrib.auth.models import Group, User
    from django.test import Client

    from jobs.models import Job
    from members.models import Organisation

    editor = User.objects.create_user("bench-editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Secretariat editors"))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(editor)
    rows = []

    # Export: the whole list (status=all), CSV.
    export_url = "/admin/members/organisation/export/?status=all"
    form = client.get(export_url).context["form"]
    data = {"format": 0, "resource": 0, **{n: "on" for n in form.fields if n.startswith("organisationresource_")}}
    begun = time.perf_counter()
    job_page = client.post(export_url, data)["Location"]
    figures = run_worker(client, job_page, env)
    seconds = time.perf_counter() - begun
    download = client.get(client.get(job_page).context["download_url"])
    exported = b"".join(download.streaming_content)
    count = exported.count(b"\n") - 1
    rows.append(("export", count, seconds, *figures))
    assert count >= Organisation.objects.count() - 5, count  # a description may hold a line break

    # Import: 100,000 new organisations, previewed, then confirmed.
    import bench_import

    bench_import.ROWS = MEMBERS
    path = Path(files) / "import.csv"
    bench_import.make_file(path, city="深圳")
    before = Organisation.objects.count()
    with open(path, "rb") as upload:
        begun = time.perf_counter()
        response = client.post(
            "/admin/members/organisation/import/", {"resource": 0, "format": 0, "import_file": upload}
        )
    assert response.status_code == 302, response.content[:3000]
    preview_page = response["Location"]
    figures = run_worker(client, preview_page, env)
    rows.append(("preview", MEMBERS, time.perf_counter() - begun, *figures))
    preview = Job.objects.get(pk=preview_page.rstrip("/").rsplit("/", 1)[1])
    assert preview.outcome["totals"]["new"] == MEMBERS, preview.outcome.get("row_problems")
    begun = time.perf_counter()
    confirm_page = client.post(preview_page, {"confirm": "1"})["Location"]
    figures = run_worker(client, confirm_page, env)
    rows.append(("confirm", MEMBERS, time.perf_counter() - begun, *figures))
    assert Organisation.objects.count() == before + MEMBERS

    # The anchor: the command, on the same file, into the same registry (the import's rows removed first).
    bench_import.clean()
    command = [sys.executable, "manage.py", "import_members", str(path)]
    begun = time.perf_counter()
    figures = watch(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
    rows.append(("import_members", MEMBERS, time.perf_counter() - begun, *figures[:2], ""))
    assert Organisation.objects.count() == before + MEMBERS

    print(f"{'phase':16} {'rows':>8} {'seconds':>8} {'peak RSS':>9} {'with forks':>11}  progress the page showed")
    for name, count, seconds, peak, total, seen in rows:
        print(f"{name:16} {count:>8,} {seconds:>8.1f} {peak:>6,.0f} MB {total:>8,.0f} MB  {seen}")


def run_worker(client, job_page: str, env: dict) -> tuple[float, float, str]:
    """Run the waiting job in a worker process of its own; its peak memory and the progress its page showed."""
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
    )
    seen = []

    def look():
        page = client.get(job_page).content.decode()
        match = _PROGRESS.search(page)
        if match:
            seen.append(f"{int(match[2]):,}/{int(match[1]):,}")

    peak, total = watch(worker, every=look)
    from jobs.models import Job

    job = Job.objects.get(pk=job_page.rstrip("/").rsplit("/", 1)[1])
    if job.status != Job.Status.SUCCEEDED:
        raise SystemExit(f"{job} {job.status}: {job.failure}")
    steps = list(dict.fromkeys(seen))
    shown = " → ".join(steps if len(steps) <= 6 else [*steps[:3], "…", *steps[-2:]])
    return peak, total, f"{shown} ({len(steps)} steps)"


def watch(process: subprocess.Popen, every=None) -> tuple[float, float]:
    """Wait for ``process``: its peak RSS (VmHWM), and the most it and its children held at once (PSS), in MB."""
    peak = total = 0.0
    looked = 0.0
    while process.poll() is None:
        peak = max(peak, vm_hwm_mb(process.pid))
        total = max(total, sum(pss_mb(pid) for pid in [process.pid, *children(process.pid)]))
        if every is not None and time.monotonic() - looked > 2:
            looked = time.monotonic()
            every()
        time.sleep(0.1)
    if process.returncode:
        raise SystemExit(f"{process.args} exited {process.returncode}")
    return peak, total


def vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # ended meanwhile
    return 0.0


if __name__ == "__main__":
    main()
