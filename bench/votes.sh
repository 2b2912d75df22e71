#!/usr/bin/env bash
# Cached pages under vote traffic, old code against new, in one run: the anonymous flagship
# article and the home page, each with no votes and with a steady stream of votes on the
# article's comments, for the code before votes stopped clearing the whole site's page cache
# (BENCH_BEFORE_REF, 254106b) and for the current code (BENCH_AFTER_REF, HEAD). Each variant
# runs from a `git archive` copy of its commit with this worktree's .venv, started the way
# `make run` does (bench/lib/tribune.sh), on a fresh SQLite demo site and its own port. Both
# stay up for the whole run; every case runs on one, then at once on the other (the order
# flips every round), so both see the same moment of a shared box. Loopback only.
#
#   bench/votes.sh                       # ~7 min; writes bench/results/votes-latest.md
#   BENCH_ROUNDS=1 BENCH_DURATION=3s bench/votes.sh   # quick smoke run
#
# Env knobs (defaults in brackets): BENCH_PORT [18411] 'before' ('after' on the next port),
# BENCH_DURATION [10s] per wrk case, BENCH_THREADS [2], BENCH_CONNS [32], BENCH_WRK_TIMEOUT
# [30s], BENCH_VOTE_RATE [50] votes/s, BENCH_VOTE_LEAD [2] s of votes before wrk starts,
# BENCH_VOTE_THREADS [256] votes in flight at most, BENCH_ROUNDS [2], BENCH_BEFORE_REF
# [254106b], BENCH_AFTER_REF [HEAD], WEB_CONCURRENCY [2], BENCH_WORK [/tmp/tribune-bench-votes],
# BENCH_RESULTS [bench/results/votes-latest.md], BENCH_SHARED [/work/shared/bench],
# BENCH_SETUP_TIMEOUT [600]. See bench/README.md, "Cached pages under votes".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_SHARED:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}
WORK=${BENCH_WORK:-/tmp/tribune-bench-votes}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-10s}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-30s}
PORT=${BENCH_PORT:-18411}   # 'before' on this port, 'after' on the next
WORKERS=${WEB_CONCURRENCY:-2}
VOTE_RATE=${BENCH_VOTE_RATE:-50}
VOTE_THREADS=${BENCH_VOTE_THREADS:-256}
LEAD=${BENCH_VOTE_LEAD:-2}
ROUNDS=${BENCH_ROUNDS:-2}
BEFORE_REF=${BENCH_BEFORE_REF:-254106b}
AFTER_REF=${BENCH_AFTER_REF:-HEAD}
RESULTS_MD=${BENCH_RESULTS:-$ROOT/bench/results/votes-latest.md}
PY="$ROOT/.venv/bin/python"
export BENCH_DIR WORK THREADS CONNS DURATION WRK_TIMEOUT

[ -f "$BENCH_DIR/lib/common.sh" ] || { echo "shared harness not found at $BENCH_DIR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BENCH_DIR/lib/common.sh"   # log die assert_loopback bg_start stop_pid wait_http
# shellcheck source=lib/tribune.sh
. "$ROOT/bench/lib/tribune.sh"  # tribune_env/_prepare/_start/_stop/_rss_kb/_lead_path

check_rounds_and_duration
case "$VOTE_RATE$LEAD" in *[!0-9]*) die "BENCH_VOTE_RATE and BENCH_VOTE_LEAD are whole numbers" ;; esac

# ---- stopping, by PID only (EXIT trap) --------------------------------------------------------
cleanup() {
  stop_pid votes || true
  tribune_stop tribune-before || true
  tribune_stop tribune-after || true
  local p
  for p in "$PORT" "$((PORT + 1))"; do port_busy "$p" && log "WARNING: port $p still answers after cleanup"; done
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- preflight -----------------------------------------------------------------------------------
for tool in wrk curl git tar python3; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[ -x "$PY" ] || die "no venv at $ROOT/.venv (run: make install)"
for p in "$PORT" "$((PORT + 1))"; do
  assert_loopback "http://127.0.0.1:$p"
  port_busy "$p" && die "port $p is already in use on 127.0.0.1"
done
BEFORE_SHA=$(git -C "$ROOT" rev-parse --short "$BEFORE_REF^{commit}") || die "no commit $BEFORE_REF"
AFTER_SHA=$(git -C "$ROOT" rev-parse --short "$AFTER_REF^{commit}") || die "no commit $AFTER_REF"

# Fresh work dir; only ever delete a directory this script created (marker file).
if [ -e "$WORK" ]; then
  [ -f "$WORK/.tribune-bench-votes" ] || die "$WORK exists and was not made by bench/votes.sh; set BENCH_WORK"
  rm -rf "$WORK"
fi
mkdir -p "$WORK"/{pids,src}
touch "$WORK/.tribune-bench-votes"
: >"$WORK/results.jsonl"; : >"$WORK/variants.tsv"; : >"$WORK/variants-after.tsv"; : >"$WORK/rounds.tsv"

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
  echo "tribune: manage.py serve --port $PORT (before) / $((PORT + 1)) (after), both up all along, one loaded at a time; gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)') sync, $WORKERS workers + db_worker; DEBUG off; SQLite (WAL), fresh demo site each; LocMemCache; vote limits raised to 1000000/min per reader and per IP"
  echo "versions: $("$PY" -c 'import sys, django, wagtail; print("python %s, Django %s, Wagtail %s" % (sys.version.split()[0], django.__version__, wagtail.__version__))')"
  echo "code: before = $BEFORE_SHA ($BEFORE_REF), after = $AFTER_SHA ($AFTER_REF); bench scripts from $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "box at start: load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_START}% over 1 s"
  echo "NOTE: wrk, the vote loop and the server share the same $(nproc) CPUs; compare rows of one run only."
} >"$WORK/env.txt"
[ "$IDLE_START" -ge 80 ] || log "WARNING: CPU only ${IDLE_START}% idle at the start: other work will skew the numbers"

# ---- CPU accounting, as in run.sh: the box vs. what the bench used -------------------------------
# our_ticks : both Tribunes' process groups + this shell's waited-for children (wrk, curl, votes)
our_ticks() {
  ticks_of $(tribune_group_members "${PID_OF[before]}") $(tribune_group_members "${PID_OF[after]}")
}

drain() {
  curl -s -o /dev/null --max-time 120 "$1/healthz" || true
  curl -s -o /dev/null --max-time 120 "$1/healthz" || true
}

declare -A URL_OF PID_OF LOG_OF DIR_OF IDS_OF PATH_OF SHA_OF
SHA_OF[before]=$BEFORE_SHA
SHA_OF[after]=$AFTER_SHA
URL_OF[before]="http://127.0.0.1:$PORT"
URL_OF[after]="http://127.0.0.1:$((PORT + 1))"

# one_case ROUND VARIANT VOTES PAGE : wrk on the page, with VOTES votes/s on the article's
# comments running meanwhile (from LEAD s before wrk until it ends); one row to results.jsonl.
one_case() {
  local round=$1 variant=$2 votes=$3 page=$4 url path dir logf id start end b0 t0 o0 b1 t1 o1 vpid vjson=""
  url=${URL_OF[$variant]}; dir=${DIR_OF[$variant]}; logf=${LOG_OF[$variant]}
  path=/; [ "$page" = article ] && path=${PATH_OF[$variant]}
  id="r$round-$variant-v$votes-$page"
  start=$(stat -c %s "$logf")
  read -r b0 t0 < <(box_ticks); our_ticks; o0=$OUR_TICKS
  if [ "$votes" -gt 0 ]; then
    vjson="$dir/$id.votes.json"
    bg_start votes "$dir/logs/$id.votes.log" timeout $((LEAD + DUR_S + 60)) \
      python3 "$ROOT/bench/lib/votes.py" run "$url" "${IDS_OF[$variant]}" --rate "$votes" \
      --threads "$VOTE_THREADS" --timeout 30 --seconds "$((LEAD + DUR_S)).5" --out "$vjson"
    vpid=$(cat "$WORK/pids/votes.pid")
    sleep "$LEAD"
  fi
  log "wrk $id: -t$THREADS -c$CONNS -d$DURATION $url$path"
  BENCH_LUA_DIR="$BENCH_DIR/lua" timeout $((DUR_S + 90)) wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" \
    --timeout "$WRK_TIMEOUT" --latency -s "$ROOT/bench/lib/pagecache.lua" "$url$path" \
    >"$dir/wrk/$id.txt" 2>&1 || log "wrk exited non-zero for $id"
  if [ "$votes" -gt 0 ]; then
    wait "$vpid" 2>/dev/null || log "vote loop exited non-zero for $id (see $dir/logs/$id.votes.log)"
    rm -f "$WORK/pids/votes.pid"
  fi
  drain "$url"
  read -r b1 t1 < <(box_ticks); our_ticks; o1=$OUR_TICKS
  end=$(stat -c %s "$logf")
  python3 "$ROOT/bench/lib/votes_report.py" row "$round" "$variant" "$votes" "$page" "$path" \
    "$dir/wrk/$id.txt" "$logf" "$start" "$end" "${vjson:--}" \
    "$((b1 - b0))" "$((t1 - t0))" "$((o1 - o0))" >>"$WORK/results.jsonl"
  tail -1 "$WORK/results.jsonl" | python3 "$ROOT/bench/lib/votes_report.py" echo
}

# start_variant VARIANT : fresh demo site from the variant's code, serve it on its own port,
# find the flagship and its comments, check one vote, warm both pages up.
start_variant() {
  local variant=$1 url=${URL_OF[$1]} dir="$WORK/$1" code p
  mkdir -p "$dir"/{logs,wrk,var}
  DIR_OF[$variant]=$dir; LOG_OF[$variant]="$dir/logs/tribune.log"
  log "== '$variant' (${SHA_OF[$variant]}) on $url"
  # Own data dir, DEBUG off, no DATABASE_URL/REDIS_URL, no shared gunicorn control socket
  # (lib/tribune.sh); the vote limits raised so that no vote is refused (the checks still run).
  # A server reads its environment when it starts, so each gets its own.
  tribune_env "$dir/var" "$url" "$WORKERS"
  export DISCUSSION_VOTES_PER_MINUTE=1000000 DISCUSSION_VOTES_PER_MINUTE_PER_IP=1000000
  tribune_prepare "$WORK/src/$variant" "$PY" "$dir/logs/setup.log"
  tribune_start "tribune-$variant" "$WORK/src/$variant" "$PY" "${url##*:}" "$WORKERS" "${LOG_OF[$variant]}"
  PID_OF[$variant]=$(cat "$WORK/pids/tribune-$variant.pid")
  wait_http "$url/healthz" 60
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/healthz")
  [ "$code" = 200 ] || die "/healthz of '$variant' answered $code"
  # Cold requests (renditions are made here), the flagship, its comments.
  code=$(curl -s -o "$dir/home.html" --max-time 60 -w '%{http_code}' "$url/")
  [ "$code" = 200 ] || die "GET / of '$variant' answered $code"
  p=$(tribune_lead_path "$PY" "$dir/home.html" "$url") || die "no flagship article on the home page"
  case "$p" in /*) ;; *) die "odd article path: $p" ;; esac
  PATH_OF[$variant]=$p
  IDS_OF[$variant]=$(python3 "$ROOT/bench/lib/votes.py" ids "$url$p") || die "no comments on $p"
  log "flagship $p, comments ${IDS_OF[$variant]}"
  # One vote must be taken (200): origin accepted, limits raised.
  python3 "$ROOT/bench/lib/votes.py" run "$url" "${IDS_OF[$variant]%%,*}" --rate 1 --seconds 1 \
    --out "$dir/check-vote.json" >/dev/null
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if s["ok"] == 1 else "check vote: %s" % s)' \
    "$dir/check-vote.json" || die "a single vote was not taken by '$variant'"
  # Warm-up (2 s of wrk -c4 per page); both pages must then come from the page cache.
  for p in "${PATH_OF[$variant]}" /; do
    BENCH_LUA_DIR="$BENCH_DIR/lua" timeout 60 wrk -t1 -c4 -d2s --timeout 10s -s "$BENCH_DIR/lua/get.lua" \
      "$url$p" >>"$dir/wrk/warmup.txt" 2>&1 || log "warm-up wrk failed for $p"
    drain "$url"
    curl -s -o /dev/null -D "$dir/headers.txt" --max-time 30 "$url$p"
    grep -qi '^x-page-cache: hit' "$dir/headers.txt" || log "WARNING: $p of '$variant' is not a page-cache hit after warm-up"
  done
  printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "${SHA_OF[$variant]}" "$url" "${PATH_OF[$variant]}" \
    "${IDS_OF[$variant]}" >>"$WORK/variants.tsv"
}

start_variant before
start_variant after

# Each case runs on both servers back to back (the other one idle meanwhile), so both see the
# same moment of the box; the order flips every round.
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="before after"; else order="after before"; fi
  idle=$(idle_pct)
  printf '%s\t%s\t%s\n' "$round" "$order" "$idle" >>"$WORK/rounds.tsv"
  log "== round $round ($order), CPU idle $idle%"
  for votes in 0 "$VOTE_RATE"; do
    for page in article home; do
      for variant in $order; do one_case "$round" "$variant" "$votes" "$page"; done
    done
  done
done

for variant in before after; do
  rss=$(tribune_rss_kb "${PID_OF[$variant]}")
  tribune_stop "tribune-$variant"
  port_busy "${URL_OF[$variant]##*:}" && sleep 2
  port_busy "${URL_OF[$variant]##*:}" && die "port ${URL_OF[$variant]##*:} still in use after stopping '$variant'"
  votes_db=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(db.execute("select count(*) from discussion_vote").fetchone()[0])' "${DIR_OF[$variant]}/var/tribune.sqlite3" || echo "?")
  printf '%s\trss_kb=%s\tvote_rows=%s\n' "$variant" "$rss" "$votes_db" >>"$WORK/variants-after.tsv"
  log "stopped '$variant' (RSS before stop $((rss / 1024)) MB, vote rows in its database: $votes_db)"
done
cleanup
trap - EXIT

IDLE_END=$(idle_pct)
echo "box at the end (bench stopped): load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_END}% over 1 s" >>"$WORK/env.txt"
mkdir -p "$(dirname "$RESULTS_MD")"
python3 "$ROOT/bench/lib/votes_report.py" report "$WORK" "$RESULTS_MD"
log "report written to $RESULTS_MD (raw output in $WORK)"
