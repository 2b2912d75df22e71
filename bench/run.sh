#!/usr/bin/env bash
# Tribune publishing benchmark: the anonymous home page and the flagship article, served by
# Tribune (`manage.py serve`: gunicorn + task worker, as `make run` does) and, as the physical
# limit of this box, the same HTML saved to disk and served by nginx. Loopback only.
#
#   make bench                       # from the project root (or: bench/run.sh)
#   BENCH_DURATION=3s make bench     # quick smoke run
#
# Env knobs (defaults in brackets): PORT [18090] Tribune, BENCH_STATIC_PORT [18091] nginx,
# BENCH_DURATION [10s], BENCH_THREADS [2], BENCH_CONNS [32], BENCH_WRK_TIMEOUT [30s],
# BENCH_SINGLE_N [5] sequential curl requests per URL, WEB_CONCURRENCY [2] gunicorn workers,
# BENCH_WORK [/tmp/tribune-bench] work dir (recreated each run; holds the bench database),
# BENCH_RESULTS [bench/results/publishing-latest.md], BENCH_SHARED [../shared/bench].
# See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BENCH_DIR=${BENCH_SHARED:-$(cd "$ROOT/../shared/bench" 2>/dev/null && pwd || echo /work/shared/bench)}  # shared harness
WORK=${BENCH_WORK:-/tmp/tribune-bench}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-32}
DURATION=${BENCH_DURATION:-10s}
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-30s}
SINGLE_N=${BENCH_SINGLE_N:-5}
PORT=${PORT:-18090}
STATIC_PORT=${BENCH_STATIC_PORT:-18091}
WORKERS=${WEB_CONCURRENCY:-2}
RESULTS_MD=${BENCH_RESULTS:-$ROOT/bench/results/publishing-latest.md}
SETUP_TIMEOUT=${BENCH_SETUP_TIMEOUT:-600}   # seconds, for each of migrate/collectstatic/demo site
PY="$ROOT/.venv/bin/python"
TRIBUNE_URL="http://127.0.0.1:$PORT"
STATIC_URL="http://127.0.0.1:$STATIC_PORT"
export BENCH_DIR WORK THREADS CONNS DURATION WRK_TIMEOUT

[ -f "$BENCH_DIR/lib/common.sh" ] || { echo "shared harness not found at $BENCH_DIR" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BENCH_DIR/lib/common.sh"   # log die assert_loopback bg_start stop_pid wait_http run_case record_metric

# shellcheck source=lib/tribune.sh
. "$ROOT/bench/lib/tribune.sh"  # tribune_env/_prepare/_start/_stop/_rss_kb/_lead_path

# ---- stopping, by PID only (EXIT trap) --------------------------------------------------------
CLEANED=0
cleanup() {
  [ "$CLEANED" = 1 ] && return 0
  CLEANED=1
  tribune_stop tribune || true
  stop_pid nginx || true
  local p
  for p in "$PORT" "$STATIC_PORT"; do port_busy "$p" && log "WARNING: port $p still answers after cleanup"; done
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- preflight -----------------------------------------------------------------------------------
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install $tool)"; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed (apt-get install nginx-light)"
[ -x "$PY" ] || die "no venv at $ROOT/.venv (run: make install)"
assert_loopback "$TRIBUNE_URL"; assert_loopback "$STATIC_URL"
for p in "$PORT" "$STATIC_PORT"; do port_busy "$p" && die "port $p is already in use on 127.0.0.1"; done

# Fresh work dir; only ever delete a directory this script created (marker file).
if [ -e "$WORK" ]; then
  [ -f "$WORK/.tribune-bench" ] || die "$WORK exists and was not made by bench/run.sh; set BENCH_WORK"
  rm -rf "$WORK"
fi
mkdir -p "$WORK"/{pids,wrk,logs,static,nginx,var}
touch "$WORK/.tribune-bench"
: >"$WORK/results.tsv"; : >"$WORK/metrics.tsv"; : >"$WORK/single.tsv"; : >"$WORK/slices.tsv"
: >"$WORK/cases.tsv"; : >"$WORK/cpu.tsv"

# Own data dir under the work dir (fresh demo DB each run; never the developer's var/), DEBUG off,
# gunicorn without the shared control socket: see lib/tribune.sh.
tribune_env "$WORK/var" "$TRIBUNE_URL" "$WORKERS"

IDLE_BEFORE=$(idle_pct)
[ "$IDLE_BEFORE" -ge 80 ] || log "WARNING: CPU only ${IDLE_BEFORE}% idle before the run: other work will skew the numbers"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
  echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT --latency (lua/get.lua of the shared harness)"
  echo "tribune: manage.py serve --port $PORT = gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)') sync, $WORKERS workers (WEB_CONCURRENCY) + db_worker; DEBUG off; SQLite (WAL) in $WORK/var; LocMemCache"
  echo "versions: $("$PY" -c 'import sys, django, wagtail; print("python %s, Django %s, Wagtail %s" % (sys.version.split()[0], django.__version__, wagtail.__version__))'), nginx $("$NGINX" -v 2>&1 | cut -d/ -f2)"
  echo "code: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -v '^?? bench/' || true)" ] && echo ' + uncommitted changes')"
  echo "box before the run: load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_BEFORE}% over 1 s"
  echo "static: nginx (2 workers, keep-alive, sendfile) on :$STATIC_PORT serving the two pages as saved from Tribune"
  echo "NOTE: wrk and the servers share the same $(nproc) CPUs; numbers are relative, not capacity."
} >"$WORK/env.txt"

# ---- Tribune, the way `make run` starts it ---------------------------------------------------------
log "migrate / collectstatic / load_demo_site (data dir $TRIBUNE_VAR_DIR)"
tribune_prepare "$ROOT" "$PY" "$WORK/logs/setup.log"
SERVER_LOG="$WORK/logs/tribune.log"
tribune_start tribune "$ROOT" "$PY" "$PORT" "$WORKERS" "$SERVER_LOG"
TRIBUNE_PID=$(cat "$WORK/pids/tribune.pid")
wait_http "$TRIBUNE_URL/healthz" 60
code=$(curl -s -o "$WORK/logs/healthz.json" -w '%{http_code}' --max-time 10 "$TRIBUNE_URL/healthz")
[ "$code" = 200 ] || die "/healthz answered $code: $(cat "$WORK/logs/healthz.json")"
log "tribune up (pid $TRIBUNE_PID, healthz: $(cat "$WORK/logs/healthz.json"))"

# fetch URL FILE : one GET (bounded), saves the body, prints "ms status bytes"
fetch() {
  assert_loopback "$1"
  curl -s -o "$2" --max-time 60 -w '%{time_total} %{http_code} %{size_download}\n' "$1" \
    | awk '{printf "%.1f %s %s\n", $1 * 1000, $2, $3}'
}

# First (cold) requests: renditions for the featured images are generated here.
read -r ms code size < <(fetch "$TRIBUNE_URL/" "$WORK/static/index.html")
[ "$code" = 200 ] || die "GET / answered $code"
record_metric tribune home.cold_first_request_ms "$ms" ms "first GET / after start (HTTP $code, $size bytes)"
ARTICLE_PATH=$(tribune_lead_path "$PY" "$WORK/static/index.html" "$TRIBUNE_URL") || die "could not find the flagship article on the home page"
case "$ARTICLE_PATH" in /*) ;; *) die "odd article path: $ARTICLE_PATH" ;; esac
log "flagship article: $ARTICLE_PATH"
read -r ms code size < <(fetch "$TRIBUNE_URL$ARTICLE_PATH" "$WORK/logs/article-cold.html")
[ "$code" = 200 ] || die "GET $ARTICLE_PATH answered $code"
record_metric tribune article.cold_first_request_ms "$ms" ms "first GET of the article after start (HTTP $code, $size bytes)"

# Save both pages (warm) for nginx, at the same URL paths.
ART_DIR="$WORK/static${ARTICLE_PATH%%\?*}"
case "$ART_DIR" in */) ;; *) ART_DIR="$ART_DIR/" ;; esac
mkdir -p "$ART_DIR"
read -r _ code _ < <(fetch "$TRIBUNE_URL/" "$WORK/static/index.html")
[ "$code" = 200 ] || die "GET / answered $code"
read -r _ code _ < <(fetch "$TRIBUNE_URL$ARTICLE_PATH" "${ART_DIR}index.html")
[ "$code" = 200 ] || die "GET $ARTICLE_PATH answered $code"
STATIC_ARTICLE_PATH=${ART_DIR#"$WORK/static"}

# SQL queries per page (Django test client in a separate process, same database, warm).
timeout 120 "$PY" "$ROOT/bench/lib/query_counts.py" "127.0.0.1:$PORT" / "$ARTICLE_PATH" \
  >"$WORK/queries.tsv" 2>"$WORK/logs/query_counts.log" \
  || log "WARNING: query count failed (see $WORK/logs/query_counts.log)"

# ---- nginx (own config, loopback only, started and stopped by PID) --------------------------------
cat >"$WORK/nginx/nginx.conf" <<NGX
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$STATIC_PORT;
    root $WORK/static;
    location / { }
  }
}
NGX
chmod -R a+rX "$WORK/static" "$WORK/nginx"
bg_start nginx "$WORK/nginx/stdout.log" "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon off;'
wait_http "$STATIC_URL/" 15
for u in "$STATIC_URL/" "$STATIC_URL$STATIC_ARTICLE_PATH"; do
  read -r _ code _ < <(fetch "$u" /dev/null)
  [ "$code" = 200 ] || die "nginx answered $code for $u"
done

# ---- warm-up, then one sequential request per URL ---------------------------------------------------
for u in "$TRIBUNE_URL/" "$TRIBUNE_URL$ARTICLE_PATH"; do
  BENCH_LUA_DIR="$BENCH_DIR/lua" timeout 30 wrk -t1 -c4 -d2s --timeout 10s -s "$BENCH_DIR/lua/get.lua" "$u" \
    >>"$WORK/wrk/warmup.txt" 2>&1 || log "warm-up wrk failed for $u"
  curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL/healthz" || true
done

# time_seq TARGET CASE URL : 1 warm-up + SINGLE_N sequential curl GETs; median/min ms to single.tsv
time_seq() {
  local target=$1 case=$2 url=$3 i
  assert_loopback "$url"
  curl -s -o /dev/null --max-time 30 "$url" || true
  for i in $(seq 1 "$SINGLE_N"); do
    curl -s -o /dev/null --max-time 30 -w '%{time_total} %{http_code} %{size_download}\n' "$url" || echo "30 000 0"
  done >"$WORK/wrk/$target--$case.single.txt"
  python3 - "$target" "$case" "$WORK/wrk/$target--$case.single.txt" >>"$WORK/single.tsv" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[3]) if l.strip()]
ms = [float(r[0]) * 1000 for r in rows]
codes = ",".join(sorted({r[1] for r in rows}))
print("\t".join([sys.argv[1], sys.argv[2], "%.2f" % statistics.median(ms), "%.2f" % min(ms), str(len(ms)), codes, rows[-1][2]]))
PY
}
time_seq tribune page-home "$TRIBUNE_URL/"
time_seq tribune page-article "$TRIBUNE_URL$ARTICLE_PATH"
time_seq static page-home "$STATIC_URL/"
time_seq static page-article "$STATIC_URL$STATIC_ARTICLE_PATH"

# ---- load: wrk per case ------------------------------------------------------------------------------
# CPU accounting per case, in clock ticks: the whole box (/proc/stat) vs. what the bench itself used
# (Tribune's process group + nginx, from /proc/PID/stat, + this shell's waited-for children, i.e. wrk
# and curl, from `times`). The rest is other work on the machine, which skews the figures.
# our_ticks : Tribune's process group and nginx + this shell's waited-for children (wrk, curl)
our_ticks() {
  local n=""
  if [ -f "$WORK/pids/nginx.pid" ]; then n=$(cat "$WORK/pids/nginx.pid"); fi
  ticks_of $(tribune_group_members "$TRIBUNE_PID") ${n:+$n $(children_of "$n")}
}
# measured TARGET CASE CMD... : runs CMD; appends "target case box-busy% bench% others%" to cpu.tsv
measured() {
  local target=$1 case=$2 b0 t0 o0 b1 t1 o1
  read -r b0 t0 < <(box_ticks); our_ticks; o0=$OUR_TICKS
  "${@:3}"
  read -r b1 t1 < <(box_ticks); our_ticks; o1=$OUR_TICKS
  awk -v tg="$target" -v c="$case" -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v o=$((o1 - o0)) \
    'BEGIN { if (t <= 0) t = 1; x = b - o; if (x < 0) x = 0;
             printf "%s\t%s\t%.0f\t%.0f\t%.0f\n", tg, c, 100 * b / t, 100 * o / t, 100 * x / t }' \
    >>"$WORK/cpu.tsv"
  log "    CPU during $target/$case: $(tail -1 "$WORK/cpu.tsv" | awk -F'\t' '{printf "box %s%% busy, bench %s%%, other processes %s%%", $3, $4, $5}')"
}
# tribune_case CASE PATH NOTE : run_case + the byte range of the server log written meanwhile
tribune_case() {
  local start end
  start=$(stat -c %s "$SERVER_LOG")
  DRAIN_URL="$TRIBUNE_URL/healthz" measured tribune "$1" run_case tribune "$1" "$TRIBUNE_URL$2" get.lua "$3"
  end=$(stat -c %s "$SERVER_LOG")
  printf 'tribune\t%s\t%s\t%s\n' "$1" "$start" "$end" >>"$WORK/slices.tsv"
  printf 'tribune\t%s\t%s\n' "$1" "$2" >>"$WORK/cases.tsv"
}
static_case() {
  measured static "$1" run_case static "$1" "$STATIC_URL$2" get.lua "$3"
  printf 'static\t%s\t%s\n' "$1" "$2" >>"$WORK/cases.tsv"
}
tribune_case page-home / "anonymous home page"
tribune_case page-article "$ARTICLE_PATH" "flagship article"
static_case page-home / "saved home page HTML"
static_case page-article "$STATIC_ARTICLE_PATH" "saved article HTML"

# ---- memory, then stop everything --------------------------------------------------------------------
record_metric tribune rss_total_kb "$(tribune_rss_kb "$TRIBUNE_PID")" kB \
  "serve + gunicorn master + $WORKERS workers + db_worker, after the runs"
rss_kb "$(cat "$WORK/pids/nginx.pid")"
record_metric static rss_total_kb "$RSS_KB" kB "nginx master + workers"

cleanup
for p in "$PORT" "$STATIC_PORT"; do port_busy "$p" && die "port $p still in use after stopping"; done
IDLE_AFTER=$(idle_pct)
echo "box after the run (all bench processes stopped): load average $(cut -d' ' -f1-3 /proc/loadavg), CPU idle ${IDLE_AFTER}% over 1 s" >>"$WORK/env.txt"
[ "$IDLE_AFTER" -ge 80 ] || log "WARNING: CPU only ${IDLE_AFTER}% idle after the run: other work was probably skewing the numbers"

# ---- report ------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$RESULTS_MD")"
cp "$WORK/results.tsv" "${RESULTS_MD%.md}.tsv"
python3 "$ROOT/bench/lib/report.py" "$WORK" "$RESULTS_MD" "$SERVER_LOG"
log "report written to $RESULTS_MD (raw wrk output in $WORK/wrk, server log $SERVER_LOG)"
