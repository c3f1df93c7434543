"""The benchmark's table: ratios against anchors, pass or fail against targets, and columns that line up."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from report import Row, admin_row, markdown_table, page_row, queries_row, rate_row, text_table, width  # noqa: E402


def load(rps, p99_ms=50, errors=0, non_2xx=0):
    return {"all": {"rps": rps, "p50_ms": 10, "p99_ms": p99_ms, "errors": errors, "non_2xx": non_2xx}}


def test_a_page_passes_at_its_share_of_the_trivial_view_and_under_its_p99():
    row = page_row("Directory", load(250), 1000, at_least=0.25, p99_under_ms=200)
    assert (row.ratio, row.verdict) == ("25%", "pass")
    assert row.anchor == "1,000 req/s"


def test_a_page_fails_below_its_share_or_when_slow_or_failing():
    assert not page_row("x", load(249), 1000, at_least=0.25, p99_under_ms=200).ok
    assert not page_row("x", load(900, p99_ms=200), 1000, at_least=0.25, p99_under_ms=200).ok
    assert not page_row("x", load(900, non_2xx=1), 1000, at_least=0.25, p99_under_ms=200).ok


def test_query_counts_must_not_change_with_the_number_of_members():
    assert queries_row("Directory", 3, 3, 100_000).ok
    assert not queries_row("Directory", 3, 4, 100_000).ok


def test_a_rate_is_compared_with_its_target_and_its_anchor():
    phase = {"rows": 100_000, "seconds": 9.8, "rows_per_s": 10_204}
    row = rate_row("create", phase, {"rows_per_s": 40_816}, at_least=10_000)
    assert (row.value, row.ratio, row.verdict) == ("10,204 rows/s (100,000 rows, 9.8 s)", "25%", "pass")


def p50(ms, errors=0):
    return {"all": {"p50_ms": ms, "requests": 20, "errors": errors, "5xx": 0}}


def test_a_changelist_passes_within_its_milliseconds_and_gives_its_ratio_to_the_stock_admin():
    row = admin_row("page 1", p50(60), p50(120), at_most_ms=100, stock_quoted_ms=70)
    assert (row.anchor, row.ratio, row.verdict) == ("stock admin p50 120 ms", "50%", "pass")
    assert row.target == "≤ 100 ms; as a ratio ≤ 143%: met"


def test_a_slow_changelist_fails_even_when_the_stock_admin_is_slower_still():
    row = admin_row("search", p50(130), p50(400), at_most_ms=100, stock_quoted_ms=235)
    assert (row.ratio, row.verdict) == ("32%", "FAIL")
    assert row.target.endswith("as a ratio ≤ 43%: met")
    assert admin_row("x", p50(90, errors=1), p50(400), at_most_ms=100, stock_quoted_ms=235).verdict == "FAIL"


def test_the_text_table_lines_up_chinese_and_latin_figures():
    rows = [
        Row("Search 科技", "1 ms", target="≤ 100 ms", ok=True),
        Row("Directory", "20 ms", target="≤ 10 ms", ok=False),
    ]
    first, second = text_table(rows).splitlines()[2:]
    # 科技 takes four columns on a terminal: the values start in the same column all the same.
    assert width(first[: first.index("1 ms")]) == width(second[: second.index("20 ms")]) == len("Search 科技") + 4
    assert first.endswith("pass") and second.endswith("FAIL")


def test_the_markdown_table_escapes_pipes():
    table = markdown_table([Row("a | b", "1")])
    assert table.splitlines()[2] == "| a \\| b | 1 |  |  |  |  |"
