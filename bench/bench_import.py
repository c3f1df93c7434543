"""Benchmark of import_members and export_members on PostgreSQL: prints rows/s and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registry_bench make bench-import

The database is created if missing, migrated and seeded; organisations from an earlier run are
removed first. Each phase runs in its own process, so its peak memory is its own: the peak RSS of that
process, and the most that it and the workers it starts held at once (the sum of their proportional set
sizes, sampled every 0.1 s from this process, which does nothing else meanwhile). The anchor is
plain ``bulk_create`` of the same rows (organisations and their memberships, without the history,
derived names or checks an import does), measured in the same run. With ``--json`` each phase
prints one JSON object per line instead, for ``make bench``.
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import ROOT, children, ensure_database, pss_mb, require_postgres, setup_django  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
PREFIX = "基準"  # Every benchmark organisation's name starts with it, so a rerun can remove them.


def make_file(path: Path, *, city: str) -> None:
    from members.validators import credit_code_check_character

    rng = random.Random(7)
    places = [
        "北京",
        "上海",
        "天津",
        "重慶",
        "廣州",
        "深圳",
        "杭州",
        "南京",
        "蘇州",
        "武漢",
        "成都",
        "西安",
        "長沙",
        "鄭州",
        "濟南",
        "青島",
        "大連",
        "寧波",
        "廈門",
        "無錫",
        "佛山",
        "東莞",
        "合肥",
        "福州",
        "昆明",
        "南昌",
        "貴陽",
        "太原",
        "石家莊",
        "哈爾濱",
        "長春",
        "瀋陽",
        "蘭州",
        "銀川",
        "西寧",
        "烏魯木齊",
        "拉薩",
        "南寧",
        "海口",
        "呼和浩特",
    ]
    words = [
        "綠色",
        "智能",
        "新能源",
        "環保",
        "節能",
        "精密",
        "電子",
        "信息",
        "材料",
        "化工",
        "機械",
        "汽車",
        "鋼鐵",
        "鋁業",
        "裝備",
        "光伏",
        "儲能",
        "電池",
        "半導體",
        "物流",
        "紡織",
        "造紙",
        "建材",
        "水泥",
        "玻璃",
        "陶瓷",
        "塑料",
        "橡膠",
        "醫藥",
        "食品",
        "家電",
        "照明",
        "通信",
        "軟件",
        "數據",
        "雲計算",
        "機器人",
        "船舶",
        "航空",
        "軌道",
        "電力",
        "燃氣",
        "水務",
        "冶金",
        "礦業",
        "稀土",
        "有色",
        "特鋼",
        "重工",
        "輕工",
    ]
    suffixes = ["有限公司", "股份有限公司", "集團有限公司", "科技有限公司", "實業有限公司"]
    industries = ["電子信息行業", "家電", "Equipment manufacturing", "heavy-industry", "汽车零部件", "石油化工行業"]
    seen = set()
    lines = ["名稱,英文名稱,統一社會信用代碼,行業,類型,會員級別,狀態,入會日期,省份,城市,網站"]
    n = 0
    while len(seen) < ROWS:
        name = PREFIX + rng.choice(places) + rng.choice(words) + rng.choice(words) + rng.choice(suffixes)
        if name in seen:
            continue
        seen.add(name)
        n += 1
        code = ""
        if n % 2:
            first17 = "91" + f"{n:015d}"
            code = first17 + credit_code_check_character(first17)
        lines.append(f"{name},,{code},{rng.choice(industries)},企業,會員單位,正式會員,2017/7/{1 + n % 28},廣東,{city},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def clean() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        like = PREFIX + "%"
        cursor.execute(
            "DELETE FROM members_historicalmembership WHERE organisation_id IN "
            "(SELECT id FROM members_organisation WHERE name LIKE %s)",
            [like],
        )
        cursor.execute(
            "DELETE FROM members_membership WHERE organisation_id IN "
            "(SELECT id FROM members_organisation WHERE name LIKE %s)",
            [like],
        )
        cursor.execute("DELETE FROM members_historicalorganisation WHERE name LIKE %s", [like])
        cursor.execute("DELETE FROM members_organisation WHERE name LIKE %s", [like])
        # The last run's dead rows, and the index pages they leave half empty, would slow this one: each
        # run starts from compact tables (a table used for ten runs had grown from 200 to 336 MB).
        for table in ("members_organisation", "members_historicalorganisation", "members_membership"):
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        cursor.execute("VACUUM (FULL, ANALYZE) members_historicalmembership")


def bulk_create_anchor(path: str) -> None:
    """Write the file's organisations and memberships with plain bulk_create: no checks, history or derived names."""
    import csv

    from django.db import transaction

    from members.models import Industry, Membership, Organisation

    industry = Industry.objects.order_by("pk").first()
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=row["名稱"],
                    name_key=row["名稱"],
                    slug=f"bench-{n}",
                    credit_code=row["統一社會信用代碼"] or None,
                    industry=industry,
                    kind="enterprise",
                    province=row["省份"],
                    city=row["城市"],
                )
                for n, row in enumerate(rows)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [Membership(organisation=o, tier="member", status="active") for o in organisations], batch_size=2000
        )


def phase(name: str, path: str, as_json: bool) -> None:
    """Run one phase in this process and print its figures."""
    setup_django()
    import io

    from django.core.management import call_command

    started = time.perf_counter()
    if name == "export":
        call_command("export_members", "--all", "-o", path, stdout=io.StringIO())
    elif name == "anchor":
        bulk_create_anchor(path)
    else:
        call_command("import_members", path, stdout=io.StringIO(), stderr=io.StringIO())
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from members.models import Organisation

    rows = Organisation.objects.count() if name == "export" else ROWS
    if name == "anchor":
        clean()
    if as_json:
        figures = {"phase": name, "rows": rows, "seconds": round(elapsed, 2)}
        print(json.dumps({**figures, "rows_per_s": round(rows / elapsed), "peak_mb": round(peak)}))
    else:
        print(f"{name:8} {rows:>8} rows  {elapsed:6.1f} s  {rows / elapsed:>8,.0f} rows/s  peak memory {peak:,.0f} MB")


def main(as_json: bool) -> None:
    ensure_database(require_postgres())
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed", str(ROOT / "fixtures" / "china-green-manufacturing-alliance.toml"), verbosity=0)
    clean()
    with tempfile.TemporaryDirectory() as tmp:
        new, changed, out = Path(tmp, "new.csv"), Path(tmp, "changed.csv"), Path(tmp, "export.csv")
        make_file(new, city="深圳")
        make_file(changed, city="廣州")
        if not as_json:
            targets = "create ≥ 10,000, update ≥ 5,000, export ≥ 30,000 rows/s, < 500 MB"
            print(f"PostgreSQL, {ROWS:,} rows; targets: {targets}")
        for name, path in (("anchor", new), ("create", new), ("update", changed), ("export", out)):
            command = [sys.executable, __file__, name, str(path)] + (["--json"] if as_json else [])
            total = peak_memory_of(command)
            if as_json:
                print(json.dumps({"phase": name, "peak_total_mb": round(total)}))
            else:
                print(f"{name:8} with the processes it started: peak memory {total:,.0f} MB")


def peak_memory_of(command: list[str]) -> float:
    """Run ``command``; return the most memory (MB) it and its child processes held at once."""
    process = subprocess.Popen(command)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, sum(pss_mb(pid) for pid in [process.pid, *children(process.pid)]))
        time.sleep(0.1)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return peak


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--json"]
    if len(arguments) == 2:
        phase(*arguments, as_json="--json" in sys.argv)
    else:
        main(as_json="--json" in sys.argv)
