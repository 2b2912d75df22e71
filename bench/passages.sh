#!/usr/bin/env bash
# Passages on a long article, two measurements in one run (loopback only):
#
# 1. Re-anchoring on publish, in process: a 5,000-word article with 500 passages, edited
#    (50 passages have a word changed, the rest moved, shifted or untouched) and published;
#    save_revision() + publish() timed, with services.reanchor_passages and its parts, and
#    every passage checked against where its words now are (lib/passages_run.py reanchor).
# 2. The article page under load: the same body with 500 passages of one comment each
#    (500 highlights) against the same body with no comments and with 500 ordinary comments,
#    each through the page cache (anonymous) and past it (a cookie in PAGECACHE_BYPASS_COOKIES),
#    served by `manage.py serve` as `make run` does, wrk -t2 -c32 -d10s, two rounds with the
#    order of the pages flipped.
#
#   bench/passages.sh                                   # ~4 min; bench/results/passages-latest.md
#   BENCH_ROUNDS=1 BENCH_DURATION=3s bench/passages.sh  # quick smoke run
#
# Env knobs (defaults in brackets): BENCH_PORT [18190], BENCH_DURATION [10s] per wrk case,
# BENCH_THREADS [2], BENCH_CONNS [32], BENCH_WRK_TIMEOUT [30s], BENCH_ROUNDS [2],
# BENCH_REANCHOR_RUNS [5] rolled-back publications (then one committed), WEB_CONCURRENCY [2],
# BENCH_WORK [/tmp/tribune-bench-passages], BENCH_RESULTS [bench/results/passages-latest.md],
# BENCH_SHARED [/work/shared/bench], BENCH_SETUP_TIMEOUT [600]. See bench/README.md, "Passages".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_SHARED:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
WORK=${BENCH_WORK:-/tmp/tribune-bench-passages}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-10s}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-30s}
PORT=${BENCH_PORT:-18190}
WORKERS=${WEB_CONCURRENCY:-2}
ROUNDS=${BENCH_ROUNDS:-2}
REANCHOR_RUNS=${BENCH_REANCHOR_RUNS:-5}
RESULTS_MD=${BENCH_RESULTS:-$ROOT/bench/results/passages-latest.md}
PY=${BENCH_PYTHON:-$ROOT/.venv/bin/python}
URL="http://127.0.0.1:$PORT"
BYPASS_COOKIE="tribune_recent=1"   # in PAGECACHE_BYPASS_COOKIES: a fresh page, nothing else
export BENCH_DIR WORK THREADS CONNS DURATION WRK_TIMEOUT

[ -f "$BENCH_DIR/lib/common.sh" ] || { echo "shared harness not found at $BENCH_DIR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BENCH_DIR/lib/common.sh"   # log die assert_loopback bg_start stop_pid wait_http
# shellcheck source=lib/tribune.sh
. "$ROOT/bench/lib/tribune.sh"  # tribune_env/_prepare/_start/_stop/_rss_kb

check_rounds_and_duration
case "$REANCHOR_RUNS" in *[!0-9]*) die "BENCH_REANCHOR_RUNS is a whole number" ;; esac

# ---- stopping, by PID only (EXIT trap) --------------------------------------------------------
cleanup() {
  tribune_stop tribune || true
  port_busy "$PORT" && log "WARNING: port $PORT still answers after cleanup"
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- preflight -----------------------------------------------------------------------------------
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[ -x "$PY" ] || die "no venv at $ROOT/.venv (run: make install), or set BENCH_PYTHON"
assert_loopback "$URL"
port_busy "$PORT" && die "port $PORT is already in use on 127.0.0.1 (set BENCH_PORT)"

# Fresh work dir; only ever delete a directory this script created (marker file).
if [ -e "$WORK" ]; then
  [ -f "$WORK/.tribune-bench-passages" ] || die "$WORK exists and was not made by bench/passages.sh; set BENCH_WORK"
  rm -rf "$WORK"
fi
mkdir -p "$WORK"/{pids,logs,wrk,var}
touch "$WORK/.tribune-bench-passages"
: >"$WORK/results.jsonl"; : >"$WORK/rounds.tsv"

IDLE_START=$(idle_pct)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT --latency (bench/lib/pagecache.lua: get.lua + X-Page-Cache count); uncached cases send Cookie: $BYPASS_COOKIE"
  echo "tribune: manage.py serve --port $PORT = gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)') sync, $WORKERS workers (WEB_CONCURRENCY) + db_worker; DEBUG off; SQLite (WAL) in $WORK/var, fresh demo site; LocMemCache"
  echo "versions: $("$PY" -c 'import sys, django, wagtail, rapidfuzz; print("python %s, Django %s, Wagtail %s, rapidfuzz %s" % (sys.version.split()[0], django.__version__, wagtail.__version__, rapidfuzz.__version__))')"
  echo "code: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v ' bench/' || true)" ] && echo ' + uncommitted changes outside bench/')"
  echo "box at start: load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_START}% over 1 s"
  echo "NOTE: wrk and the server share the same $(nproc) CPUs; compare rows of one run only."
} >"$WORK/env.txt"
[ "$IDLE_START" -ge 80 ] || log "WARNING: CPU only ${IDLE_START}% idle at the start: other work will skew the numbers"

# ---- set-up: a fresh demo site in the bench's own data dir -------------------------------------
tribune_env "$WORK/var" "$URL" "$WORKERS"
log "migrate / collectstatic / load_demo_site (data dir $TRIBUNE_VAR_DIR)"
tribune_prepare "$ROOT" "$PY" "$WORK/logs/setup.log"

# ---- 1. re-anchoring on publish, in process ------------------------------------------------------
log "re-anchoring: $REANCHOR_RUNS rolled-back publications + 1 committed"
REANCHOR_OK=1
timeout "${BENCH_SETUP_TIMEOUT:-600}" "$PY" "$ROOT/bench/lib/passages_run.py" reanchor \
  "$WORK/reanchor.json" --runs "$REANCHOR_RUNS" 2>"$WORK/logs/reanchor.log" | tee "$WORK/reanchor.txt" >&2 \
  || REANCHOR_OK=0
[ "$REANCHOR_OK" = 1 ] || log "WARNING: re-anchoring check failed (see $WORK/reanchor.txt, $WORK/logs/reanchor.log)"
[ -s "$WORK/reanchor.json" ] || die "re-anchoring wrote no results (see $WORK/logs/reanchor.log)"

# ---- 2. the three article pages -----------------------------------------------------------------
log "articles for the page benchmark"
timeout "${BENCH_SETUP_TIMEOUT:-600}" "$PY" "$ROOT/bench/lib/passages_run.py" pages "$WORK/pages.json" \
  >"$WORK/logs/pages.log" 2>&1 || die "setting up the pages failed (see $WORK/logs/pages.log)"
declare -A PATH_OF
for page in plain comments passages; do
  PATH_OF[$page]=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["path"])' "$WORK/pages.json" "$page")
  case "${PATH_OF[$page]}" in /*) ;; *) die "odd path for $page: ${PATH_OF[$page]}" ;; esac
done

SERVER_LOG="$WORK/logs/tribune.log"
tribune_start tribune "$ROOT" "$PY" "$PORT" "$WORKERS" "$SERVER_LOG"
TRIBUNE_PID=$(cat "$WORK/pids/tribune.pid")
wait_http "$URL/healthz" 60
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/healthz")
[ "$code" = 200 ] || die "/healthz answered $code"

drain() {
  curl -s -o /dev/null --max-time 120 "$URL/healthz" || true
  curl -s -o /dev/null --max-time 120 "$URL/healthz" || true
}

# Warm-up: 2 s of wrk -c4 per page and mode; then the anonymous page must be a cache hit and
# the page with the cookie must not be.
for page in plain comments passages; do
  p=${PATH_OF[$page]}
  for cookie in "" "Cookie: $BYPASS_COOKIE"; do
    BENCH_HEADERS="$cookie" BENCH_LUA_DIR="$BENCH_DIR/lua" timeout 60 wrk -t1 -c4 -d2s --timeout 10s \
      -s "$BENCH_DIR/lua/get.lua" "$URL$p" >>"$WORK/wrk/warmup.txt" 2>&1 || log "warm-up wrk failed for $p"
  done
  drain
  curl -s -o "$WORK/$page.html" -D "$WORK/$page.headers" --max-time 30 "$URL$p"
  grep -qi '^x-page-cache: hit' "$WORK/$page.headers" || log "WARNING: $p is not a page-cache hit after warm-up"
  curl -s -o /dev/null -D "$WORK/$page.bypass.headers" --max-time 30 -H "Cookie: $BYPASS_COOKIE" "$URL$p"
  if grep -qi '^x-page-cache:' "$WORK/$page.bypass.headers"; then
    die "$p with the bypass cookie went through the page cache"
  fi
done

# ---- CPU accounting, as in run.sh: the box vs. what the bench used -------------------------------
# our_ticks : Tribune's process group + this shell's waited-for children (wrk, curl)
our_ticks() { ticks_of $(tribune_group_members "$TRIBUNE_PID"); }

# one_case ROUND MODE PAGE : wrk on the page (MODE cached: anonymous; uncached: with the bypass
# cookie); one row to results.jsonl.
one_case() {
  local round=$1 mode=$2 page=$3 path=${PATH_OF[$3]} id start end b0 t0 o0 b1 t1 o1 headers=""
  id="r$round-$mode-$page"
  [ "$mode" = uncached ] && headers="Cookie: $BYPASS_COOKIE"
  [ "$mode" = gzip ] && headers="Accept-Encoding: gzip"
  start=$(stat -c %s "$SERVER_LOG")
  read -r b0 t0 < <(box_ticks); our_ticks; o0=$OUR_TICKS
  log "wrk $id: -t$THREADS -c$CONNS -d$DURATION $URL$path"
  BENCH_HEADERS="$headers" BENCH_LUA_DIR="$BENCH_DIR/lua" timeout $((DUR_S + 90)) \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
    -s "$ROOT/bench/lib/pagecache.lua" "$URL$path" >"$WORK/wrk/$id.txt" 2>&1 \
    || log "wrk exited non-zero for $id"
  drain
  read -r b1 t1 < <(box_ticks); our_ticks; o1=$OUR_TICKS
  end=$(stat -c %s "$SERVER_LOG")
  python3 "$ROOT/bench/lib/passages_report.py" row "$round" "$mode" "$page" "$path" \
    "$WORK/wrk/$id.txt" "$SERVER_LOG" "$start" "$end" \
    "$((b1 - b0))" "$((t1 - t0))" "$((o1 - o0))" >>"$WORK/results.jsonl"
  tail -1 "$WORK/results.jsonl" | python3 "$ROOT/bench/lib/passages_report.py" echo
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="plain comments passages"; else order="passages comments plain"; fi
  idle=$(idle_pct)
  printf '%s\t%s\t%s\n' "$round" "$order" "$idle" >>"$WORK/rounds.tsv"
  log "== round $round ($order), CPU idle $idle%"
  for mode in cached gzip uncached; do
    for page in $order; do one_case "$round" "$mode" "$page"; done
  done
done

RSS_KB=$(tribune_rss_kb "$TRIBUNE_PID")
cleanup
trap - EXIT
port_busy "$PORT" && die "port $PORT still in use after stopping"
IDLE_END=$(idle_pct)
{
  echo "tribune RSS (serve + gunicorn master + $WORKERS workers + db_worker) after the runs: $((RSS_KB / 1024)) MB"
  echo "box at the end (bench stopped): load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_END}% over 1 s"
} >>"$WORK/env.txt"

mkdir -p "$(dirname "$RESULTS_MD")"
python3 "$ROOT/bench/lib/passages_report.py" report "$WORK" "$RESULTS_MD"
log "report written to $RESULTS_MD (raw output in $WORK)"
[ "$REANCHOR_OK" = 1 ] || die "re-anchoring check failed (see the report)"
