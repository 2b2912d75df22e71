"""What the bench reports share: percentiles, the lines the wrk scripts print, the
slice of the server's log a case wrote, CPU shares and number formatting."""

from __future__ import annotations

from pathlib import Path


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def wrk_lines(path: Path) -> tuple[dict, dict]:
    """The BENCH_RESULT and BENCH_PAGECACHE lines of a wrk run, as numbers."""
    result, cache = {}, {}
    if path.exists():
        for line in path.read_text().splitlines():
            if not line.startswith(("BENCH_RESULT ", "BENCH_PAGECACHE ")):
                continue
            kv = {k: float(v) for k, v in (p.split("=", 1) for p in line.split()[1:])}
            if line.startswith("BENCH_RESULT "):
                result = kv
            else:
                cache = kv
    return result, cache


def log_slice(path: str, start: str, end: str) -> str:
    """What the server logged between two sizes of its log file."""
    with open(path, "rb") as f:
        f.seek(int(start))
        return f.read(int(end) - int(start)).decode("utf-8", "replace")


def is_problem(line: str) -> bool:
    return " ERROR " in line or "Traceback" in line or "WORKER TIMEOUT" in line


def cpu_shares(box: str, total: str, bench: str) -> dict:
    """The box's busy share of the CPU, the bench's own, and everything else's."""
    box_n, total_n, bench_n = int(box), max(int(total), 1), int(bench)
    return {
        "cpu_box": round(100 * box_n / total_n),
        "cpu_bench": round(100 * bench_n / total_n),
        "cpu_other": round(100 * max(box_n - bench_n, 0) / total_n),
    }


def fmt(x, digits=1) -> str:
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"
