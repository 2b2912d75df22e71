"""Rows and the Markdown report of bench/votes.sh (stdlib only).

votes_report.py row ROUND VARIANT VOTES PAGE PATH WRK_OUT SERVER_LOG START END
                    VOTES_JSON BOX_TICKS TOTAL_TICKS BENCH_TICKS
    prints one JSON line for the case: wrk's figures, the X-Page-Cache counts, what
    Tribune's request log holds for the byte range START..END (the case's page GETs
    and vote POSTs), the vote loop's stats (VOTES_JSON, or - for none) and the CPU
    split.
votes_report.py echo
    one JSON line on stdin -> one human line
votes_report.py report WORK OUT_MD
    reads WORK/results.jsonl, variants.tsv, variants-after.tsv, env.txt and the
    server logs, writes OUT_MD and prints it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from statistics import fmean

from reporting import cpu_shares, fmt, is_problem, log_slice, pct, wrk_lines

REQUEST_LINE = re.compile(r" tribune\.request (\w+) (\S+) (\d{3}) ([\d.]+)ms$")
VOTE_PATH = re.compile(r"^/discussion/comments/\d+/vote/$")
FAST_MS = 2.0  # app ms: a page-cache hit is well under this; a miss renders the page


def row(args: list[str]) -> dict:
    (
        rnd,
        variant,
        votes,
        page,
        path,
        wrk_out,
        server_log,
        start,
        end,
        votes_json,
        box,
        total,
        bench,
    ) = args
    result, cache = wrk_lines(Path(wrk_out))
    chunk = log_slice(server_log, start, end)
    page_ms, vote_ms, page_status, vote_status, problems = (
        [],
        [],
        Counter(),
        Counter(),
        0,
    )
    for line in chunk.splitlines():
        if is_problem(line):
            problems += 1
        m = REQUEST_LINE.search(line)
        if not m:
            continue
        method, where, status, ms = (
            m.group(1),
            m.group(2),
            m.group(3),
            float(m.group(4)),
        )
        if method == "GET" and where == path:
            page_ms.append(ms)
            page_status[status] += 1
        elif method == "POST" and VOTE_PATH.match(where):
            vote_status[status] += 1
            vote_ms.append(ms)
    hit, miss, none = (int(cache.get(k, 0)) for k in ("hit", "miss", "none"))
    loop = json.loads(Path(votes_json).read_text()) if votes_json != "-" else None
    return {
        "round": int(rnd),
        "variant": variant,
        "votes": int(votes),
        "page": page,
        "path": path,
        "rps": result.get("rps", 0.0),
        "p50": result.get("p50_ms"),
        "p90": result.get("p90_ms"),
        "p99": result.get("p99_ms"),
        "max": result.get("max_ms"),
        "requests": int(result.get("requests", 0)),
        "non2xx": int(result.get("err_status", 0)),
        "socket_errors": int(
            sum(
                result.get(k, 0)
                for k in ("err_connect", "err_read", "err_write", "err_timeout")
            )
        ),
        "hit": hit,
        "miss": miss,
        "no_header": none,
        "hit_pct": round(100 * hit / (hit + miss + none), 1)
        if hit + miss + none
        else None,
        "app_n": len(page_ms),
        "app_p50": pct(page_ms, 50),
        "app_p99": pct(page_ms, 99),
        "app_fast_pct": round(
            100 * sum(ms < FAST_MS for ms in page_ms) / len(page_ms), 1
        )
        if page_ms
        else None,
        "page_statuses": dict(sorted(page_status.items())),
        "vote_statuses_logged": dict(sorted(vote_status.items())),
        "vote_app_p50": pct(vote_ms, 50),
        "vote_app_p99": pct(vote_ms, 99),
        "log_problems": problems,
        "loop": loop,
        **cpu_shares(box, total, bench),
    }


def votes_cell(r: dict) -> str:
    loop = r["loop"]
    if not loop:
        return "–"
    others = {k: v for k, v in loop["statuses"].items() if k != "200"}
    extra = ", ".join(f"{v}× {k}" for k, v in others.items())
    errs = ", ".join(f"{v}× {k}" for k, v in loop["errors"].items())
    text = f"{loop['ok']} × 200 of {loop['sent']} sent ({loop['sent_per_second']}/s)"
    for part in (extra, errs, f"{loop['skipped']} skipped" if loop["skipped"] else ""):
        if part:
            text += f"; {part}"
    return text


def case_cells(r: dict) -> list[str]:
    loop, logged = r["loop"], r["vote_statuses_logged"]
    app = f"{fmt(r['app_p50'])} / {fmt(r['app_p99'])}"
    vote_app = f"{fmt(r['vote_app_p50'])} / {fmt(r['vote_app_p99'])}"
    return [
        str(r["round"]),
        r["variant"],
        str(r["votes"]),
        r["page"],
        fmt(r["rps"]),
        f"{fmt(r['p50'], 1)} / {fmt(r['p99'], 1)}",
        f"{r['non2xx']} + {r['socket_errors']}",
        f"{r['hit']:,} / {r['miss']:,} / {r['no_header']:,}",
        f"{app} ({fmt(r['app_fast_pct'], 0)} %)",
        votes_cell(r),
        f"{fmt(loop['ms_p50'])} / {fmt(loop['ms_p99'])}" if loop else "–",
        ", ".join(f"{v}× {k}" for k, v in logged.items()) + f" ({vote_app})"
        if logged
        else "–",
        f"{r['cpu_box']} / {r['cpu_bench']} / {r['cpu_other']}",
    ]


def echo() -> None:
    r = json.loads(sys.stdin.readline())
    sys.stderr.write(
        f"    -> r{r['round']} {r['variant']} votes={r['votes']} {r['page']}: "
        f"{fmt(r['rps'])} req/s p50 {fmt(r['p50'], 2)} p99 {fmt(r['p99'], 2)} ms, "
        f"X-Page-Cache hit {r['hit']} / miss {r['miss']} / none {r['no_header']}, "
        f"app p50 {fmt(r['app_p50'])} ms, errors {r['non2xx']}+{r['socket_errors']}; "
        f"votes: {votes_cell(r)}; CPU box/bench/other "
        f"{r['cpu_box']}/{r['cpu_bench']}/{r['cpu_other']}%\n"
    )


def tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [x.split("\t") for x in path.read_text().splitlines() if x]


def log_check(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    lines = text.splitlines()
    statuses = Counter(m.group(3) for m in map(REQUEST_LINE.search, lines) if m)
    check = {
        "5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
        "ERROR": text.count(" ERROR "),
        "Traceback": text.count("Traceback"),
        "WORKER TIMEOUT": text.count("WORKER TIMEOUT"),
    }
    return (
        "; ".join(f"{k}: {n}" for k, n in check.items())
        + "; statuses "
        + ", ".join(f"{n:,}× {s}" for s, n in sorted(statuses.items()))
    )


def report(work: Path, out_md: Path) -> None:
    rows = [
        json.loads(x) for x in (work / "results.jsonl").read_text().splitlines() if x
    ]
    variants = tsv(work / "variants.tsv")  # variant sha url path ids
    after = {
        r[0]: dict(p.split("=", 1) for p in r[1:])
        for r in tsv(work / "variants-after.tsv")
    }
    sha = {v[0]: v[1] for v in variants}
    rounds = sorted({r["round"] for r in rows})
    by = {(r["round"], r["variant"], r["votes"], r["page"]): r for r in rows}

    out = [
        "# Cached pages under vote traffic: before and after",
        "",
        "```",
        (work / "env.txt").read_text().strip(),
        "```",
        "",
        f"## Summary (mean of {len(rounds)} round{'s' if len(rounds) > 1 else ''})",
        "",
        f"wrk req/s, and the share of its responses that were page-cache hits "
        f"(`X-Page-Cache: hit`). `before` = `{sha.get('before', '?')}`, `after` = "
        f"`{sha.get('after', '?')}`. Every case ran on both servers back to back.",
        "",
        "| page | votes/s | before req/s | hits | after req/s | hits | after ÷ before "
        "| after ÷ before, per round |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for votes in sorted({r["votes"] for r in rows}):
        for page in ("article", "home"):
            cell = {}
            for variant in ("before", "after"):
                found = [by[k] for k in by if k[1:] == (variant, votes, page)]
                if found:
                    cell[variant] = (
                        fmean(r["rps"] for r in found),
                        fmean(r["hit_pct"] or 0 for r in found),
                    )
            if len(cell) < 2:
                continue
            per_round = []
            for rnd in rounds:
                b = by.get((rnd, "before", votes, page))
                a = by.get((rnd, "after", votes, page))
                if a and b and b["rps"]:
                    per_round.append(f"{a['rps'] / b['rps']:.2f}")
            (b_rps, b_hit), (a_rps, a_hit) = cell["before"], cell["after"]
            ratio = f"**{a_rps / b_rps:.2f}**" if b_rps else "–"
            out.append(
                f"| {page} | {votes} | {fmt(b_rps)} | {fmt(b_hit, 0)} % | {fmt(a_rps)} "
                f"| {fmt(a_hit, 0)} % | {ratio} | {', '.join(per_round)} |"
            )
    out.append("")
    loops = [r["loop"] for r in rows if r["loop"]]
    if loops:
        out += [
            f"Votes: {sum(x['ok'] for x in loops):,} answered 200 of "
            f"{sum(x['sent'] for x in loops):,} sent; other answers "
            f"{sum(x['sent'] - x['ok'] for x in loops)}; not sent because "
            "all the loop's threads were still waiting: "
            f"{sum(x['skipped'] for x in loops)}.",
            "",
        ]

    out += [
        "## Every case",
        "",
        "wrk: req/s, latency p50 / p99 (ms), non-2xx + socket errors. Page cache: "
        "X-Page-Cache hit / miss / none as counted by wrk. App ms: Tribune's request "
        f"log for that page during the case (p50 / p99, share under {FAST_MS:g} ms). "
        "Votes: the vote loop's answers (and their p50 / p99 ms); the server log's "
        "count of vote POSTs by status and their app ms p50 / p99. CPU: the whole box "
        "busy / the bench's processes (both Tribunes, wrk, vote loop, curl) / "
        "everything else, in % of both CPUs.",
        "",
        "| round | code | votes/s | page | req/s | p50 / p99 ms | errors "
        "| hit / miss / none | app ms p50 / p99 (< 2 ms) | votes answered "
        "| vote ms p50 / p99 | vote POSTs logged (app ms) "
        "| CPU % box / bench / other |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---|---:|---|---:|",
    ]
    out += ["| " + " | ".join(case_cells(r)) + " |" for r in rows]
    out.append("")

    out += [
        "## Rounds",
        "",
        "| round | order | CPU idle at its start |",
        "|---:|---|---:|",
    ]
    out += [f"| {r[0]} | {r[1]} | {r[2]} % |" for r in tsv(work / "rounds.tsv")]
    out += [
        "",
        "## Servers",
        "",
        "| code | commit | URL | flagship | comments voted on | RSS at the end "
        "| vote rows in its DB | server log check |",
        "|---|---|---|---|---|---:|---:|---|",
    ]
    for variant, commit, url, path, ids in variants:
        extra = after.get(variant, {})
        rss = extra.get("rss_kb", "")
        cells = [
            variant,
            f"`{commit}`",
            url,
            f"`{path}`",
            ids,
            f"{int(rss) // 1024} MB" if rss.isdigit() else "?",
            extra.get("vote_rows", "?"),
            log_check(work / variant / "logs" / "tribune.log"),
        ]
        out.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        "Vote rows in a database = the demo's own vote + the one set-up check vote "
        "+ every vote answered 200.",
    ]
    text = "\n".join(out) + "\n"
    out_md.write_text(text)
    sys.stdout.write(text)


def main() -> None:
    command = sys.argv[1]
    if command == "row":
        sys.stdout.write(json.dumps(row(sys.argv[2:])) + "\n")
    elif command == "echo":
        echo()
    elif command == "report":
        report(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
