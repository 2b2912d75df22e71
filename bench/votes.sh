#!/usr/bin/env bash
# Cached pages under vote traffic, old code against new, in one run: the anonymous flagship
# article and the home page, each with no votes and with a steady stream of votes on the
# article's comments, for the code before votes stopped clearing the whole site's page cache
# (BENCH_BEFORE_REF, 254106b) and for the current code (BENCH_AFTER_REF, HEAD). Each variant
# runs from a `git archive` copy of its commit with this worktree's .venv, started the way
# `make run` does (bench/lib/tribune.sh), on a fresh SQLite demo site. Loopback only.
#
#   bench/votes.sh                       # ~8 min; writes bench/results/votes-latest.md
#   BENCH_ROUNDS=1 BENCH_DURATION=3s bench/votes.sh   # quick smoke run
#
# Env knobs (defaults in brackets): PORT [18410], BENCH_DURATION [10s] per wrk case,
# BENCH_THREADS [2], BENCH_CONNS [32], BENCH_WRK_TIMEOUT [30s], BENCH_VOTE_RATE [50] votes/s,
# BENCH_VOTE_LEAD [2] s of votes before wrk starts, BENCH_VOTE_THREADS [256] votes in flight at most,
# BENCH_ROUNDS [2] (round 1 runs before then
# after, round 2 after then before, ...), BENCH_BEFORE_REF [254106b], BENCH_AFTER_REF [HEAD],
# WEB_CONCURRENCY [2], BENCH_WORK [/tmp/tribune-bench-votes], BENCH_RESULTS
# [bench/results/votes-latest.md], BENCH_SHARED [/work/shared/bench], BENCH_SETUP_TIMEOUT [600].
# See bench/README.md, "Cached pages under votes".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_SHARED:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
WORK=${BENCH_WORK:-/tmp/tribune-bench-votes}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-10s}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-30s}
PORT=${PORT:-18410}
WORKERS=${WEB_CONCURRENCY:-2}
VOTE_RATE=${BENCH_VOTE_RATE:-50}
VOTE_THREADS=${BENCH_VOTE_THREADS:-256}
LEAD=${BENCH_VOTE_LEAD:-2}
ROUNDS=${BENCH_ROUNDS:-2}
BEFORE_REF=${BENCH_BEFORE_REF:-254106b}
AFTER_REF=${BENCH_AFTER_REF:-HEAD}
RESULTS_MD=${BENCH_RESULTS:-$ROOT/bench/results/votes-latest.md}
PY="$ROOT/.venv/bin/python"
URL="http://127.0.0.1:$PORT"
export BENCH_DIR WORK THREADS CONNS DURATION WRK_TIMEOUT

[ -f "$BENCH_DIR/lib/common.sh" ] || { echo "shared harness not found at $BENCH_DIR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BENCH_DIR/lib/common.sh"   # log die assert_loopback bg_start stop_pid wait_http
# shellcheck source=lib/tribune.sh
. "$ROOT/bench/lib/tribune.sh"  # tribune_env/_prepare/_start/_stop/_rss_kb/_lead_path

DUR_S=${DURATION%s}
case "$DUR_S" in ''|*[!0-9]*) die "BENCH_DURATION must be whole seconds, e.g. 10s" ;; esac
case "$VOTE_RATE$LEAD$ROUNDS" in *[!0-9]*) die "BENCH_VOTE_RATE, BENCH_VOTE_LEAD and BENCH_ROUNDS are whole numbers" ;; esac
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 5 ] || die "BENCH_ROUNDS must be 1 to 5"
[ "$DUR_S" -ge 1 ] && [ "$DUR_S" -le 120 ] || die "BENCH_DURATION must be 1s to 120s"

# ---- stopping, by PID only (EXIT trap) --------------------------------------------------------
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
idle_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat); sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat)
  echo "$a $b" | awk '{t = $3 - $1; printf "%.0f", (t > 0 ? 100 * ($4 - $2) / t : 0)}'
}
cleanup() {
  stop_pid votes || true
  tribune_stop tribune || true
  port_busy "$PORT" && log "WARNING: port $PORT still answers after cleanup"
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- preflight -----------------------------------------------------------------------------------
for tool in wrk curl git tar python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[ -x "$PY" ] || die "no venv at $ROOT/.venv (run: make install)"
assert_loopback "$URL"
port_busy "$PORT" && die "port $PORT is already in use on 127.0.0.1"
BEFORE_SHA=$(git -C "$ROOT" rev-parse --short "$BEFORE_REF^{commit}") || die "no commit $BEFORE_REF"
AFTER_SHA=$(git -C "$ROOT" rev-parse --short "$AFTER_REF^{commit}") || die "no commit $AFTER_REF"

# Fresh work dir; only ever delete a directory this script created (marker file).
if [ -e "$WORK" ]; then
  [ -f "$WORK/.tribune-bench-votes" ] || die "$WORK exists and was not made by bench/votes.sh; set BENCH_WORK"
  rm -rf "$WORK"
fi
mkdir -p "$WORK"/{pids,src}
touch "$WORK/.tribune-bench-votes"
: >"$WORK/results.jsonl"; : >"$WORK/variants.tsv"; : >"$WORK/variants-after.tsv"

# The code of each variant: a plain copy of the commit (no git metadata touched), run with this
# worktree's .venv (the requirements differ only by a lint tool).
for v in before after; do
  ref=$BEFORE_SHA; [ "$v" = after ] && ref=$AFTER_SHA
  mkdir -p "$WORK/src/$v"
  git -C "$ROOT" archive --format=tar "$ref" | tar -x -C "$WORK/src/$v"
  log "code '$v' = $ref ($(git -C "$ROOT" log -1 --format=%s "$ref" | cut -c1-80))"
done
if [ "$AFTER_REF" = HEAD ] && [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v ' bench/' || true)" ]; then
  log "WARNING: uncommitted changes outside bench/ are not measured ('after' is the committed $AFTER_SHA)"
fi

IDLE_START=$(idle_pct)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT --latency (bench/lib/pagecache.lua: get.lua + X-Page-Cache count)"
  echo "votes: $VOTE_RATE/s (bench/lib/votes.py, open loop, at most $VOTE_THREADS in flight, 30 s timeout each, new guest per vote, alternately up/down over the article's comments), from ${LEAD} s before wrk until it ends"
  echo "tribune: manage.py serve --port $PORT = gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)') sync, $WORKERS workers + db_worker; DEBUG off; SQLite (WAL), fresh demo site per variant; LocMemCache; vote limits raised to 1000000/min per reader and per IP"
  echo "versions: $("$PY" -c 'import sys, django, wagtail; print("python %s, Django %s, Wagtail %s" % (sys.version.split()[0], django.__version__, wagtail.__version__))')"
  echo "code: before = $BEFORE_SHA ($BEFORE_REF), after = $AFTER_SHA ($AFTER_REF); bench scripts from $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "box at start: load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_START}% over 1 s"
  echo "NOTE: wrk, the vote loop and the server share the same $(nproc) CPUs; compare rows of one run only."
} >"$WORK/env.txt"
[ "$IDLE_START" -ge 80 ] || log "WARNING: CPU only ${IDLE_START}% idle at the start: other work will skew the numbers"

# ---- CPU accounting, as in run.sh: the box vs. what the bench used -------------------------------
box_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# our_ticks PGID : sets OUR_TICKS = Tribune's process group + this shell's waited-for children
# (wrk, curl, the vote loop). Must run in this shell (`times` of a subshell is empty).
our_ticks() {
  local t=0 p v
  for p in $(tribune_group_members "$1"); do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}' || true)
    t=$((t + ${v:-0}))
  done
  times >"$WORK/times.txt"
  v=$(tail -1 "$WORK/times.txt" | awk -v hz="$(getconf CLK_TCK)" '{
      s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
      printf "%d", s * hz }')
  OUR_TICKS=$((t + v))
}

drain() {
  curl -s -o /dev/null --max-time 120 "$URL/healthz" || true
  curl -s -o /dev/null --max-time 120 "$URL/healthz" || true
}

# one_case ROUND VARIANT VOTES PAGE PATH : wrk on PATH, with VOTES votes/s running meanwhile
# (from LEAD s before wrk until it ends); appends one row to results.jsonl.
one_case() {
  local round=$1 variant=$2 votes=$3 page=$4 path=$5 id start end b0 t0 o0 b1 t1 o1 vpid vjson=""
  id="r$round-$variant-v$votes-$page"
  start=$(stat -c %s "$SERVER_LOG")
  read -r b0 t0 < <(box_ticks); our_ticks "$TRIBUNE_PID"; o0=$OUR_TICKS
  if [ "$votes" -gt 0 ]; then
    vjson="$RUN/$id.votes.json"
    bg_start votes "$RUN/logs/$id.votes.log" timeout $((LEAD + DUR_S + 60)) \
      python3 "$ROOT/bench/lib/votes.py" run "$URL" "$IDS" --rate "$votes" --threads "$VOTE_THREADS" --timeout 30 \
      --seconds "$((LEAD + DUR_S)).5" --out "$vjson"
    vpid=$(cat "$WORK/pids/votes.pid")
    sleep "$LEAD"
  fi
  log "wrk $id: -t$THREADS -c$CONNS -d$DURATION $path"
  BENCH_LUA_DIR="$BENCH_DIR/lua" timeout $((DUR_S + 90)) wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" \
    --timeout "$WRK_TIMEOUT" --latency -s "$ROOT/bench/lib/pagecache.lua" "$URL$path" \
    >"$RUN/wrk/$id.txt" 2>&1 || log "wrk exited non-zero for $id"
  if [ "$votes" -gt 0 ]; then
    wait "$vpid" 2>/dev/null || log "vote loop exited non-zero for $id (see $RUN/logs/$id.votes.log)"
    rm -f "$WORK/pids/votes.pid"
  fi
  drain
  read -r b1 t1 < <(box_ticks); our_ticks "$TRIBUNE_PID"; o1=$OUR_TICKS
  end=$(stat -c %s "$SERVER_LOG")
  python3 "$ROOT/bench/lib/votes_report.py" row "$round" "$variant" "$votes" "$page" "$path" \
    "$RUN/wrk/$id.txt" "$SERVER_LOG" "$start" "$end" "${vjson:--}" \
    "$((b1 - b0))" "$((t1 - t0))" "$((o1 - o0))" >>"$WORK/results.jsonl"
  tail -1 "$WORK/results.jsonl" | python3 "$ROOT/bench/lib/votes_report.py" echo >&2
}

# run_variant ROUND VARIANT : fresh demo site, start, warm up, the four cases, stop.
run_variant() {
  local round=$1 variant=$2 sha code ms idle rss votes_db
  sha=$BEFORE_SHA; [ "$variant" = after ] && sha=$AFTER_SHA
  RUN="$WORK/r$round-$variant"
  mkdir -p "$RUN"/{logs,wrk,var}
  port_busy "$PORT" && die "port $PORT is in use before starting '$variant'"
  idle=$(idle_pct)
  log "== round $round, '$variant' ($sha); CPU idle ${idle}%"
  # Own data dir, DEBUG off, no DATABASE_URL/REDIS_URL, no shared gunicorn control socket
  # (lib/tribune.sh); the vote limits raised so that no vote is refused (the checks still run).
  tribune_env "$RUN/var" "$URL" "$WORKERS"
  export DISCUSSION_VOTES_PER_MINUTE=1000000 DISCUSSION_VOTES_PER_MINUTE_PER_IP=1000000
  tribune_prepare "$WORK/src/$variant" "$PY" "$RUN/logs/setup.log"
  SERVER_LOG="$RUN/logs/tribune.log"
  tribune_start tribune "$WORK/src/$variant" "$PY" "$PORT" "$WORKERS" "$SERVER_LOG"
  TRIBUNE_PID=$(cat "$WORK/pids/tribune.pid")
  wait_http "$URL/healthz" 60
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/healthz")
  [ "$code" = 200 ] || die "/healthz answered $code"

  # Cold requests (renditions are made here), the flagship, its comments.
  read -r ms code < <(curl -s -o "$RUN/home.html" --max-time 60 -w '%{time_total} %{http_code}\n' "$URL/")
  [ "$code" = 200 ] || die "GET / answered $code"
  ARTICLE_PATH=$(tribune_lead_path "$PY" "$RUN/home.html" "$URL") || die "no flagship article on the home page"
  case "$ARTICLE_PATH" in /*) ;; *) die "odd article path: $ARTICLE_PATH" ;; esac
  IDS=$(python3 "$ROOT/bench/lib/votes.py" ids "$URL$ARTICLE_PATH") || die "no comments on $ARTICLE_PATH"
  log "flagship $ARTICLE_PATH, comments $IDS"
  # One vote must be taken (200): origin accepted, limits raised.
  python3 "$ROOT/bench/lib/votes.py" run "$URL" "${IDS%%,*}" --rate 1 --seconds 1 \
    --out "$RUN/check-vote.json" >/dev/null
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if s["ok"] == 1 else "check vote: %s" % s)' \
    "$RUN/check-vote.json" || die "a single vote was not taken"
  # Warm-up (2 s of wrk -c4 per page), and both pages must then come from the page cache.
  for p in "$ARTICLE_PATH" /; do
    BENCH_LUA_DIR="$BENCH_DIR/lua" timeout 60 wrk -t1 -c4 -d2s --timeout 10s -s "$BENCH_DIR/lua/get.lua" \
      "$URL$p" >>"$RUN/wrk/warmup.txt" 2>&1 || log "warm-up wrk failed for $p"
    drain
    curl -s -o /dev/null -D "$RUN/headers.txt" --max-time 30 "$URL$p"
    grep -qi '^x-page-cache: hit' "$RUN/headers.txt" || log "WARNING: $p is not a page-cache hit after warm-up"
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$sha" "$ARTICLE_PATH" "$IDS" "$idle" >>"$WORK/variants.tsv"

  one_case "$round" "$variant" 0 article "$ARTICLE_PATH"
  one_case "$round" "$variant" 0 home /
  one_case "$round" "$variant" "$VOTE_RATE" article "$ARTICLE_PATH"
  one_case "$round" "$variant" "$VOTE_RATE" home /

  rss=$(tribune_rss_kb "$TRIBUNE_PID")
  tribune_stop tribune
  for _ in $(seq 1 25); do port_busy "$PORT" || break; sleep 0.2; done
  port_busy "$PORT" && die "port $PORT still in use after stopping '$variant'"
  votes_db=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(db.execute("select count(*) from discussion_vote").fetchone()[0])' "$RUN/var/tribune.sqlite3" || echo "?")
  printf '%s\t%s\trss_kb=%s\tvote_rows=%s\n' "$round" "$variant" "$rss" "$votes_db" >>"$WORK/variants-after.tsv"
  log "stopped '$variant' (RSS before stop $((rss / 1024)) MB, vote rows in its database: $votes_db)"
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="before after"; else order="after before"; fi
  for variant in $order; do run_variant "$round" "$variant"; done
done
cleanup
trap - EXIT

IDLE_END=$(idle_pct)
echo "box at the end (bench stopped): load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_END}% over 1 s" >>"$WORK/env.txt"
mkdir -p "$(dirname "$RESULTS_MD")"
python3 "$ROOT/bench/lib/votes_report.py" report "$WORK" "$RESULTS_MD"
log "report written to $RESULTS_MD (raw output in $WORK)"
