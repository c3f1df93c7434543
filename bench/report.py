"""The benchmark's table: one row per figure, with its anchor, the ratio to it, the target and pass or fail."""

import unicodedata
from dataclasses import dataclass

COLUMNS = ("figure", "value", "anchor", "ratio", "target", "")


@dataclass
class Row:
    figure: str
    value: str
    anchor: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool | None = None  # None: a figure without a target

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.ok]

    def cells(self) -> tuple[str, ...]:
        return (self.figure, self.value, self.anchor, self.ratio, self.target, self.verdict)


def percent(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "n/a"


def width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(rows: list[Row]) -> str:
    lines = [COLUMNS, *(row.cells() for row in rows)]
    widths = [max(width(line[i]) for line in lines) for i in range(len(COLUMNS))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell + " " * (w - width(cell)) for cell, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(rows: list[Row]) -> str:
    def line(cells) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(COLUMNS), line(["---"] * len(COLUMNS)), *(line(row.cells()) for row in rows)])


def page_row(name: str, result: dict, trivial_rps: float, *, at_least: float, p99_under_ms: float) -> Row:
    """A page under load, against the trivial view on the same server."""
    figures = result["all"]
    ratio = figures["rps"] / trivial_rps if trivial_rps else 0
    failed = figures["errors"] + figures["non_2xx"]
    return Row(
        name,
        f"{figures['rps']:,.0f} req/s, p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, {failed} errors",
        f"{trivial_rps:,.0f} req/s",
        percent(figures["rps"], trivial_rps),
        f"≥ {at_least:.0%}, p99 < {p99_under_ms:.0f} ms",
        ratio >= at_least and figures["p99_ms"] < p99_under_ms and not failed,
    )


def queries_row(name: str, small: int, large: int, members: int) -> Row:
    anchor = f"seed and a past term → {members:,} members"
    return Row(name, f"{small} → {large} queries", anchor, "", "equal", small == large)


def rate_row(name: str, phase: dict, anchor: dict, *, at_least: float) -> Row:
    return Row(
        name,
        f"{phase['rows_per_s']:,.0f} rows/s ({phase['rows']:,} rows, {phase['seconds']:.1f} s)",
        f"bulk_create {anchor['rows_per_s']:,.0f} rows/s",
        percent(phase["rows_per_s"], anchor["rows_per_s"]),
        f"≥ {at_least:,.0f} rows/s",
        phase["rows_per_s"] >= at_least,
    )


def admin_row(name: str, result: dict, stock: dict, *, at_most_ms: float, stock_quoted_ms: float) -> Row:
    """A changelist's p50 against Django's stock admin of the same list, served by the same server.

    The target is in milliseconds; the issue that sets it quotes the stock admin at ``stock_quoted_ms``
    on its author's machine, so the same target as a ratio is at_most_ms / stock_quoted_ms. The verdict
    is the target in milliseconds; the ratio's is given beside it.
    """
    figures, anchor = result["all"], stock["all"]
    failed = figures["errors"] + figures["5xx"]
    ratio = figures["p50_ms"] / anchor["p50_ms"] if anchor["p50_ms"] else float("inf")
    ratio_target = at_most_ms / stock_quoted_ms
    ratio_met = "met" if ratio <= ratio_target and not failed else "missed"
    return Row(
        name,
        f"p50 {figures['p50_ms']:.0f} ms over {figures['requests']} requests, {failed} errors",
        f"stock admin p50 {anchor['p50_ms']:.0f} ms",
        percent(figures["p50_ms"], anchor["p50_ms"]),
        f"≤ {at_most_ms:.0f} ms; as a ratio ≤ {ratio_target:.0%}: {ratio_met}",
        figures["p50_ms"] <= at_most_ms and not failed,
    )
