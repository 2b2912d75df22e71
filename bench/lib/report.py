"""Markdown report for bench/run.sh; writes it to OUT_MD and prints it.

Usage: python3 bench/lib/report.py WORK_DIR OUT_MD SERVER_LOG
Reads what run.sh left in WORK_DIR: env.txt, results.tsv (lib/common.sh run_case rows),
wrk/<target>--<case>.txt (raw wrk output), single.tsv, cases.tsv, slices.tsv,
metrics.tsv, queries.tsv; and Tribune's log for server-side status and timings.
"""

import re
import sys
from collections import Counter
from pathlib import Path

REQUEST_LINE = re.compile(r" tribune\.request (\w+) (\S+) (\d{3}) ([\d.]+)ms$")


def tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.rstrip("\n").split("\t") for line in path.open() if line.strip()]


def wrk_result(path: Path) -> dict[str, float]:
    if not path.exists():
        return {}
    lines = [x for x in path.read_text().splitlines() if x.startswith("BENCH_RESULT")]
    if not lines:
        return {}
    return {k: float(v) for k, v in (p.split("=", 1) for p in lines[-1].split()[1:])}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> None:
    work, out_md, server_log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    env = (work / "env.txt").read_text().strip()
    paths = {(r[0], r[1]): r[2] for r in tsv(work / "cases.tsv")}
    single = {(r[0], r[1]): r for r in tsv(work / "single.tsv")}
    cpu = {(r[0], r[1]): r[2:5] for r in tsv(work / "cpu.tsv")}
    log_bytes = server_log.read_bytes() if server_log.exists() else b""

    out = ["# Tribune publishing benchmark", "", "```", env, "```", ""]
    out += [
        "| target | case | path | req/s | p50 ms | p90 ms | p99 ms | max ms "
        "| requests | non-2xx | socket errors | KB/resp | 1 request ms "
        "| CPU % box / bench / other |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rps = {}
    for r in tsv(work / "results.tsv"):
        target, case = r[0], r[1]
        raw = wrk_result(work / "wrk" / f"{target}--{case}.txt")
        sock = sum(raw.get(k, 0) for k in ("err_connect", "err_read", "err_write"))
        sock += raw.get("err_timeout", 0)
        s = single.get((target, case))
        one = f"{s[2]} (min {s[3]}, n={s[4]}, HTTP {s[5]})" if s else "–"
        rps[(target, case)] = float(r[3])
        out.append(
            "| "
            + " | ".join(
                [
                    target,
                    case,
                    f"`{paths.get((target, case), '?')}`",
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    str(int(raw.get("err_status", 0))),
                    str(int(sock)),
                    f"{int(r[10]) / 1024:.1f}",
                    one,
                    " / ".join(cpu[(target, case)]) if (target, case) in cpu else "–",
                ]
            )
            + " |"
        )
    ratios = [
        f"{case}: nginx {rps[('static', case)] / rps[('tribune', case)]:.0f}× Tribune"
        for (target, case) in rps
        if target == "tribune" and rps[(target, case)] > 0 and ("static", case) in rps
    ]
    out += [
        "",
        "req/s and percentiles: wrk, -c connections for the whole run; non-2xx = wrk's "
        "status errors (HTTP ≥ 400); 1 request = sequential curl time_total, median "
        "after a warm-up; CPU % = share of the whole box (all CPUs) busy during the "
        "wrk run / used by the bench's own processes (Tribune's process group, nginx, "
        "wrk) / used by anything else -- if 'other' is more than a few %, rerun on a "
        "quiet machine. " + ("; ".join(ratios) + "." if ratios else ""),
        "",
    ]

    # Tribune's own view of each load run: its request log between two byte offsets.
    queries = {r[0]: r for r in tsv(work / "queries.tsv")}
    out += [
        "## Tribune, server side",
        "",
        "| case | requests logged | HTTP statuses "
        "| app ms p50 | app ms p90 | app ms p99 | SQL queries/request "
        "| distinct query shapes | most repeated query |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for target, case, start, end in tsv(work / "slices.tsv"):
        path = paths.get((target, case), "")
        statuses, times = Counter(), []
        chunk = log_bytes[int(start) : int(end)].decode("utf-8", "replace")
        for line in chunk.splitlines():
            m = REQUEST_LINE.search(line)
            if m and m.group(2) == path:
                statuses[m.group(3)] += 1
                times.append(float(m.group(4)))
        q = queries.get(path)
        p = [f"{pct(times, x):.1f}" for x in (50, 90, 99)] if times else ["–", "–", "–"]
        out.append(
            "| "
            + " | ".join(
                [
                    case,
                    str(len(times)),
                    ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) or "–",
                    *p,
                    q[2] if q else "–",
                    q[5] if q else "–",
                    f"{q[6]}× `{q[7][:90]}…`" if q and q[7] else "–",
                ]
            )
            + " |"
        )
    out += [
        "",
        "app ms = the duration Tribune's request-log middleware records (all "
        "middleware + view + template), so queueing in gunicorn's backlog is "
        "the difference from wrk's latency. SQL queries: Django test client, "
        "warm second request, same database, in a separate process.",
        "",
    ]

    text = log_bytes.decode("utf-8", "replace")
    all_requests = [m for m in map(REQUEST_LINE.search, text.splitlines()) if m]
    codes = Counter(m.group(3) for m in all_requests)
    checks = {
        "request lines in the log": len(all_requests),
        "HTTP statuses (whole run)": ", ".join(
            f"{k}: {v}" for k, v in sorted(codes.items())
        ),
        "5xx responses": sum(v for k, v in codes.items() if k.startswith("5")),
        "ERROR/CRITICAL log lines": len(re.findall(r" (ERROR|CRITICAL) ", text)),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "gunicorn WORKER TIMEOUT": text.count("WORKER TIMEOUT"),
        "gunicorn max-requests restarts": text.count("Maximum request limit"),
        "gunicorn workers booted": text.count("Booting worker"),
    }
    out += ["## Log check (Tribune's stdout/stderr, whole run)", ""]
    out += [f"* {k}: {v}" for k, v in checks.items()]
    metrics = tsv(work / "metrics.tsv")
    if metrics:
        out += [
            "",
            "| target | metric | value | unit | note |",
            "|---|---|---:|---|---|",
        ]
        out += ["| " + " | ".join((m + [""] * 5)[:5]) + " |" for m in metrics]
    text_out = "\n".join(out) + "\n"
    out_md.write_text(text_out)
    sys.stdout.write(text_out)


if __name__ == "__main__":
    main()
