"""Rows and the Markdown report of bench/passages.sh (stdlib only).

passages_report.py row ROUND MODE PAGE PATH WRK_OUT SERVER_LOG START END
                       BOX_TICKS TOTAL_TICKS BENCH_TICKS
    one JSON line for a wrk case: wrk's figures, the X-Page-Cache counts, the
    app time of the page's GETs in Tribune's request log between START and END
    (bytes), and the CPU split.
passages_report.py echo
    one JSON line on stdin -> one human line on stderr
passages_report.py report WORK OUT_MD
    reads WORK/reanchor.json, pages.json, results.jsonl, rounds.tsv, env.txt and
    reanchor.txt; writes OUT_MD and prints it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from statistics import median

from reporting import cpu_shares, fmt, is_problem, log_slice, pct, wrk_lines

REQUEST_LINE = re.compile(r" tribune\.request (\w+) (\S+) (\d{3}) ([\d.]+)ms$")
PAGES = ("plain", "comments", "passages")
PAGE_NOTE = {
    "plain": "no comments",
    "comments": "500 comments, no passage",
    "passages": "500 passages, one comment each",
}


def say(*parts) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def row(args: list[str]) -> dict:
    rnd, mode, page, path, wrk_out, log, start, end, box, total, bench = args
    result, cache = wrk_lines(Path(wrk_out))
    chunk = log_slice(log, start, end)
    app, statuses, problems = [], {}, 0
    for line in chunk.splitlines():
        if is_problem(line):
            problems += 1
        m = REQUEST_LINE.search(line)
        if m and m.group(1) == "GET" and m.group(2) == path:
            app.append(float(m.group(4)))
            statuses[m.group(3)] = statuses.get(m.group(3), 0) + 1
    return {
        "round": int(rnd),
        "mode": mode,
        "page": page,
        "path": path,
        "rps": result.get("rps", 0.0),
        "p50": result.get("p50_ms"),
        "p99": result.get("p99_ms"),
        "requests": int(result.get("requests", 0)),
        "bytes": int(result.get("bytes", 0)),
        "non2xx": int(result.get("err_status", 0)),
        "socket_errors": int(
            sum(
                result.get(k, 0)
                for k in ("err_connect", "err_read", "err_write", "err_timeout")
            )
        ),
        "hit": int(cache.get("hit", 0)),
        "miss": int(cache.get("miss", 0)),
        "no_header": int(cache.get("none", 0)),
        "app_n": len(app),
        "app_p50": pct(app, 50),
        "app_p90": pct(app, 90),
        "app_p99": pct(app, 99),
        "statuses": statuses,
        "log_problems": problems,
        **cpu_shares(box, total, bench),
    }


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def echo() -> None:
    r = json.loads(sys.stdin.readline())
    sys.stderr.write(
        f"    -> r{r['round']} {r['mode']} {r['page']}: {fmt(r['rps'])} req/s, "
        f"p50 {fmt(r['p50'], 2)} p99 {fmt(r['p99'], 2)} ms, X-Page-Cache hit "
        f"{r['hit']} / miss {r['miss']} / none {r['no_header']}, app p50 "
        f"{fmt(r['app_p50'])} ms ({r['app_n']} logged), errors "
        f"{r['non2xx']}+{r['socket_errors']}; CPU box/bench/other "
        f"{r['cpu_box']}/{r['cpu_bench']}/{r['cpu_other']}%\n"
    )


def reanchor_section(data: dict, ok_text: str) -> list[str]:
    a = data["article"]
    runs, committed = data["runs"], data["committed"]
    out = [
        "## 1. Re-anchoring on publish (in process)",
        "",
        f"Article: {a['words']:,} words in {a['paragraphs']} paragraphs "
        f"({a['blocks_before']} blocks with headings and quotes; after the edit "
        f"{a['blocks_after']}, of which {a['text_blocks_after']} text blocks, "
        f"{a['characters']:,} characters), {a['passages']} passages with one "
        "comment each. The edit: "
        + "; ".join(f"{k} {v}" for k, v in a["edits"].items())
        + ".",
        "",
        "What the edit did to the passages: "
        + ", ".join(f"{k} {v}" for k, v in sorted(a["kinds"].items())),
        "",
        "`page.save_revision()` then `revision.publish()` with the edited body; "
        "`publish()` runs Wagtail's `page_published` signal, whose handler calls "
        "`services.reanchor_passages`. Times in ms; runs 1… were rolled back "
        "(so every run starts from the same passages), the last was committed "
        "(its on-commit work included).",
        "",
        "| run | save_revision | publish | **total** | reanchor_passages | "
        "block texts | resolve_all | rest (queries, updates) | queries | found |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for i, r in enumerate([*runs, committed], 1):
        name = "committed" if i == len(runs) + 1 else str(i)
        found = ", ".join(f"{k} {v}" for k, v in sorted(r["found"].items()))
        out.append(
            f"| {name} | {ms(r['save_revision_s'])} | {ms(r['publish_s'])} | "
            f"**{ms(r['total_s'])}** | {ms(r['reanchor_s'])} | "
            f"{ms(r['block_texts_s'])} | {ms(r['resolve_s'])} | "
            f"{ms(r['reanchor_rest_s'])} | {r['queries']} | {found} |"
        )
    if runs:
        out += [
            "",
            "Median of the rolled-back runs: total "
            f"**{ms(median(r['total_s'] for r in runs))} ms**, of which "
            f"reanchor_passages {ms(median(r['reanchor_s'] for r in runs))} ms "
            f"(resolve_all {ms(median(r['resolve_s'] for r in runs))} ms).",
        ]
    by = data.get("resolve_by_kind_s") or {}
    if by:
        out += [
            "",
            "`anchoring.resolve_all` alone, best of 5 (ms): "
            + ", ".join(f"{k} {ms(v)}" for k, v in by.items())
            + " (each kind: its passages alone, less evening out the blocks' text).",
        ]
    check = data["committed_check"]
    out += [
        "",
        f"Check ({ok_text}): where each passage is after the committed run, by what "
        "the edit did to it:",
        "",
        "| passages | outcome |",
        "|---|---|",
    ]
    for kind, outcomes in sorted(check["by_kind"].items()):
        out.append(
            f"| {kind} | " + ", ".join(f"{k}: {v}" for k, v in outcomes.items()) + " |"
        )
    if check["wrong_count"]:
        out += [
            "",
            f"**{check['wrong_count']} passages not where their words are**, e.g.:",
            "",
        ]
        out += [f"    {json.dumps(w, ensure_ascii=False)}" for w in check["wrong"]]
    return out


def pages_section(rows: list[dict], pages: dict, rounds: list[list[str]]) -> list[str]:
    out = [
        "## 2. The article page with 500 passage highlights",
        "",
        "Three articles with the same body (the article above before its edit): "
        + "; ".join(
            f"**{p}** ({PAGE_NOTE[p]}: {pages[p]['bytes']:,} bytes, "
            f"{pages[p]['queries']} queries uncached, {pages[p]['highlights']} "
            f"highlights in {pages[p]['mark_elements']} `<mark>`s)"
            for p in PAGES
        )
        + ". *cached*: anonymous, through the page cache; *gzip*: the same, asking "
        "for gzip as browsers do (the page cache keeps each page compressed); "
        "*uncached*: with the cookie that bypasses it, so every request renders "
        "the page.",
        "",
        "| round | mode | page | req/s | p50 / p99 ms | non-2xx + socket err. | "
        "X-Page-Cache hit / miss / none | app ms p50 / p90 / p99 (n) | "
        "CPU % box / bench / other |",
        "|---|---|---|---:|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['round']} | {r['mode']} | {r['page']} | {fmt(r['rps'])} | "
            f"{fmt(r['p50'])} / {fmt(r['p99'])} | "
            f"{r['non2xx']} + {r['socket_errors']} | "
            f"{r['hit']:,} / {r['miss']:,} / {r['no_header']:,} | "
            f"{fmt(r['app_p50'])} / {fmt(r['app_p90'])} / {fmt(r['app_p99'])} "
            f"({r['app_n']:,}) | {r['cpu_box']} / {r['cpu_bench']} / {r['cpu_other']} |"
        )
    out += [
        "",
        "Ratios, passages ÷ plain (target ≥ 0.80) and passages ÷ comments, of req/s "
        "per round:",
        "",
        "| round | mode | passages ÷ plain | passages ÷ comments | "
        "app p50 ms plain / comments / passages |",
        "|---|---|---:|---:|---|",
    ]
    for rnd in sorted({r["round"] for r in rows}):
        for mode in ("cached", "gzip", "uncached"):
            got = {
                r["page"]: r for r in rows if r["round"] == rnd and r["mode"] == mode
            }
            if not all(p in got for p in PAGES):
                continue
            plain, comments, marked = (got[p]["rps"] for p in PAGES)
            out.append(
                f"| {rnd} | {mode} | {fmt(marked / plain if plain else None, 2)} | "
                f"{fmt(marked / comments if comments else None, 2)} | "
                + " / ".join(fmt(got[p]["app_p50"]) for p in PAGES)
                + " |"
            )
    render = pages.get("render_cpu_ms") or {}
    if render:
        out += [
            "",
            "In process (Django's test client, same database, after the load; CPU "
            "time, so other work on the box counts less), each page rendered past "
            "the page cache, in turn, "
            f"{render['plain']['n']} times: "
            + ", ".join(
                f"{p} median {fmt(render[p]['median'])} ms "
                f"(min {fmt(render[p]['min'])})"
                for p in PAGES
            )
            + f"; passages ÷ plain in renders per CPU second "
            f"{fmt(render['plain']['median'] / render['passages']['median'], 2)}, "
            f"passages ÷ comments "
            f"{fmt(render['comments']['median'] / render['passages']['median'], 2)}.",
            "",
            "What the 500 highlights cost a render (CPU ms, median / min of 30): "
            + "; ".join(
                f"{k} {fmt(v['median'])} / {fmt(v['min'])}"
                for k, v in pages["highlight_cpu_ms"].items()
            )
            + ".",
        ]
    if rounds:
        out += [
            "",
            "CPU idle before each round: "
            + ", ".join(f"round {r[0]} ({r[1]}) {r[2]} %" for r in rounds),
        ]
    return out


def report(work: Path, out_md: Path) -> None:
    rows = [
        json.loads(line)
        for line in (work / "results.jsonl").read_text().splitlines()
        if line
    ]
    reanchor = json.loads((work / "reanchor.json").read_text())
    pages = json.loads((work / "pages.json").read_text())
    rounds = [
        line.split("\t")
        for line in (work / "rounds.tsv").read_text().splitlines()
        if line
    ]
    wrong = reanchor["committed_check"]["wrong_count"] + sum(
        c["wrong_count"] for c in reanchor["checks"]
    )
    ok_text = "passed" if not wrong else "FAILED"
    lines = [
        "# Passages: re-anchoring on publish, and the page with 500 highlights",
        "",
        'Written by `bench/passages.sh`; see `bench/README.md`, "Passages".',
        "",
        "```",
        (work / "env.txt").read_text().rstrip(),
        "```",
        "",
        *reanchor_section(reanchor, ok_text),
        "",
        *pages_section(rows, pages, rounds),
        "",
        f"Server log: {sum(r['log_problems'] for r in rows)} ERROR/traceback/timeout "
        "lines during the cases; statuses logged: "
        + ", ".join(
            f"{v:,}× {k}"
            for k, v in sorted(
                {
                    s: sum(r["statuses"].get(s, 0) for r in rows)
                    for r0 in rows
                    for s in r0["statuses"]
                }.items()
            )
        )
        + ".",
        "",
    ]
    text = "\n".join(lines)
    out_md.write_text(text)
    say(text)


def main() -> None:
    what = sys.argv[1]
    if what == "row":
        say(json.dumps(row(sys.argv[2:])))
    elif what == "echo":
        echo()
    elif what == "report":
        report(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
