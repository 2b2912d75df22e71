# Adapter: Tribune, for the shared anchor harness (/work/shared/bench, adapters/tribune.sh.example).
# Measures Tribune's discussion on the SAME generated threads isso gets (t10, t1000, t10000 and a
# 10-comment "post" thread), with case names that line up with isso's rows where the meaning matches.
#
# Run from the project root:
#   BENCH_ADAPTER_PATH=bench/adapters BENCH_ADAPTERS="isso tribune static" \
#     BENCH_RESULTS=bench/results/anchors-latest.md /work/shared/bench/run-anchors.sh
#
# Contract (run-anchors.sh sources this in its own subshell and calls, in this order):
#   adapter_setup    the venv exists (else `make install`); the seed script is there
#   adapter_start    fresh data dir $WORK/tribune/var, migrate + collectstatic + load_demo_site,
#                    then `manage.py serve` (gunicorn + task worker, as `make run` / bench/run.sh)
#                    in its own process group, PID recorded by bg_start
#   adapter_seed     wait for /healthz; find the flagship article; bench/seed_discussion.py loads
#                    $SEED_DIR/t$N.jsonl (one article per thread) + t10.jsonl as the "post" article;
#                    CSRF cookie/token for POSTs; one checked POST (201); every URL answers 200
#   adapter_measure  warm up; run_case per case (via tcase: + statuses and app time from Tribune's
#                    log, CPU split); single-request times; rows after POST; RSS; log check
#   adapter_stop     stop by PID, then by process-group ID; never by name
# Available: $WORK $SEED_DIR $SIZES $SITE_URL $BENCH_DIR, helpers from lib/common.sh.
#
# Differences from a production start, on purpose (as isso's adapter relaxes its [guard]):
#   * the posting rate limits are raised to TRIBUNE_BENCH_RATE (default 1,000,000 per minute, per
#     reader and per IP: DISCUSSION_POSTS_PER_MINUTE[_PER_IP]); the checks still run on every POST;
#   * the harness's usual differences from `make run` (bench/README.md): own data dir, DEBUG=0,
#     GUNICORN_CMD_ARGS=--no-control-socket, DATABASE_URL/REDIS_URL unset (SQLite + LocMemCache).
TRIBUNE_PORT=${TRIBUNE_PORT:-18082}
TRIBUNE_URL="http://127.0.0.1:$TRIBUNE_PORT"
TRIBUNE_REPO=${TRIBUNE_REPO:-$PWD}
TRIBUNE_PY=${TRIBUNE_PY:-$TRIBUNE_REPO/.venv/bin/python}
TRIBUNE_WORKERS=${TRIBUNE_WORKERS:-2}   # as isso gets (ISSO_WORKERS=2)
TRIBUNE_BENCH_RATE=${TRIBUNE_BENCH_RATE:-1000000}
TRIBUNE_DIR="$WORK/tribune"

[ -f "$TRIBUNE_REPO/bench/lib/tribune.sh" ] \
  || die "run from Tribune's project root (or set TRIBUNE_REPO): no bench/lib/tribune.sh in $TRIBUNE_REPO"
# shellcheck source=../lib/tribune.sh
. "$TRIBUNE_REPO/bench/lib/tribune.sh"

adapter_setup() {
  [ -x "$TRIBUNE_PY" ] || (cd "$TRIBUNE_REPO" && make install)
  [ -x "$TRIBUNE_PY" ] || die "no venv at $TRIBUNE_REPO/.venv"
  [ -f "$TRIBUNE_REPO/bench/seed_discussion.py" ] || die "no bench/seed_discussion.py"
  "$TRIBUNE_PY" -c 'import importlib.metadata as m; print("django", m.version("django"), "wagtail", m.version("wagtail"), "gunicorn", m.version("gunicorn"))' \
    | tee "$WORK/tribune.versions" >&2
}

adapter_start() {
  rm -rf "$TRIBUNE_DIR"; mkdir -p "$TRIBUNE_DIR"
  # Own SQLite DB/media/static under the work dir, DEBUG off, no gunicorn control socket.
  tribune_env "$TRIBUNE_DIR/var" "$TRIBUNE_URL" "$TRIBUNE_WORKERS"
  export DISCUSSION_POSTS_PER_MINUTE=$TRIBUNE_BENCH_RATE DISCUSSION_POSTS_PER_MINUTE_PER_IP=$TRIBUNE_BENCH_RATE
  log "tribune: migrate / collectstatic / load_demo_site (data dir $TRIBUNE_VAR_DIR)"
  tribune_prepare "$TRIBUNE_REPO" "$TRIBUNE_PY" "$TRIBUNE_DIR/setup.log"
  tribune_start tribune "$TRIBUNE_REPO" "$TRIBUNE_PY" "$TRIBUNE_PORT" "$TRIBUNE_WORKERS" \
    "$TRIBUNE_DIR/server.log"
}

# tribune_get PATH [CURL ARGS...] : prints the HTTP status of one bounded GET
tribune_get() {
  local p=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$@" "$TRIBUNE_URL$p" || echo 000
}

adapter_seed() {
  local code n args=()
  wait_http "$TRIBUNE_URL/healthz" 60
  code=$(tribune_get /healthz)
  [ "$code" = 200 ] || die "tribune /healthz answered $code"

  # The flagship (lead story) before the bench articles exist; they are dated 30 days back, so
  # they do not change the home page anyway.
  curl -s -o "$TRIBUNE_DIR/home.html" --max-time 60 "$TRIBUNE_URL/"   # cold: makes renditions
  TRIBUNE_ARTICLE_PATH=$(tribune_lead_path "$TRIBUNE_PY" "$TRIBUNE_DIR/home.html" "$TRIBUNE_URL") \
    || die "no flagship article on Tribune's home page"

  # The shared seed threads, one article each, + the 10-comment thread to POST into.
  [ "${TRIBUNE_BENCH_ANALYZE:-0}" = 1 ] && args+=(--analyze)   # see bench/README.md; off by default
  for n in $SIZES; do args+=("t$n=$SEED_DIR/t$n.jsonl"); done
  args+=("post=$SEED_DIR/t10.jsonl")
  (cd "$TRIBUNE_REPO" && timeout "${BENCH_SETUP_TIMEOUT:-600}" "$TRIBUNE_PY" bench/seed_discussion.py "${args[@]}") \
    >"$TRIBUNE_DIR/seed.json" 2>"$TRIBUNE_DIR/seed.log" || die "seeding failed (see $TRIBUNE_DIR/seed.log)"
  log "tribune seeded: $(tr '\n' ' ' <"$TRIBUNE_DIR/seed.log")"
  python3 - "$TRIBUNE_DIR/seed.json" >"$TRIBUNE_DIR/ids.env" <<'PY'
import json, sys
for name, v in json.load(open(sys.argv[1])).items():
    print(f"ARTICLE_ID_{name}={v['article_id']}")
    print(f"ARTICLE_URL_{name}={v['url']}")
    print(f"SEEDED_{name}={v['comments']}")
    if name == "post":
        print("POST_PARENTS=" + ",".join(map(str, v["first_ids"])))
PY
  # shellcheck source=/dev/null
  . "$TRIBUNE_DIR/ids.env"

  # CSRF for the POSTs: GET /api/v1/csrf sets the csrftoken cookie and returns a (masked) token;
  # both stay valid for every request of the run (plain http: no Referer check).
  curl -s --max-time 30 -c "$TRIBUNE_DIR/cookies.txt" -o "$TRIBUNE_DIR/csrf.json" "$TRIBUNE_URL/api/v1/csrf"
  CSRF_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$TRIBUNE_DIR/csrf.json")
  CSRF_COOKIE=$(awk '$6 == "csrftoken" { print $7 }' "$TRIBUNE_DIR/cookies.txt")
  [ -n "$CSRF_TOKEN" ] && [ -n "$CSRF_COOKIE" ] || die "no CSRF token/cookie from /api/v1/csrf"
  TRIBUNE_POST_HEADERS="Cookie: csrftoken=$CSRF_COOKIE|X-CSRFToken: $CSRF_TOKEN|Origin: $TRIBUNE_URL|Referer: $TRIBUNE_URL$ARTICLE_URL_post"
  # One checked POST (a reply), so a broken set-up fails here and not as 10 s of 403s.
  code=$(curl -s -o "$TRIBUNE_DIR/post-check.json" -w '%{http_code}' --max-time 30 \
    -H 'Content-Type: application/json' -H "Cookie: csrftoken=$CSRF_COOKIE" -H "X-CSRFToken: $CSRF_TOKEN" \
    -H "Origin: $TRIBUNE_URL" -H "Referer: $TRIBUNE_URL$ARTICLE_URL_post" \
    --data "{\"body\": \"Set-up check comment with *Markdown*.\", \"parent_id\": ${POST_PARENTS%%,*}, \"name\": \"Bench check\", \"email\": \"check@example.org\"}" \
    "$TRIBUNE_URL/api/v1/articles/$ARTICLE_ID_post/comments")
  [ "$code" = 201 ] || die "test POST answered $code: $(head -c 300 "$TRIBUNE_DIR/post-check.json")"
  log "tribune test POST: 201"

  # Every URL answers 200 before any load.
  for n in $SIZES; do
    for p in "/api/v1/articles/$(eval echo "\$ARTICLE_ID_t$n")/comments?limit=20" "$(eval echo "\$ARTICLE_URL_t$n")"; do
      code=$(tribune_get "$p"); [ "$code" = 200 ] || die "GET $p answered $code"
    done
  done
}

# ---- CPU accounting per case (the box is shared: other work skews every figure) ------------------
box_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# our_ticks : sets OUR_TICKS = CPU ticks of Tribune's process group + this shell's waited-for
# children (wrk, curl); must run in this shell (not in $(...)) for `times` to count them
our_ticks() {
  local t=0 p v
  for p in $(tribune_group_members "$(cat "$WORK/pids/tribune.pgid")"); do
    # utime + stime + cutime + cstime: a gunicorn worker recycled by --max-requests is reaped by
    # the master, so its ticks move into the master's cutime/cstime instead of vanishing
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}' || true)
    t=$((t + ${v:-0}))
  done
  times >"$TRIBUNE_DIR/times.txt"
  v=$(tail -1 "$TRIBUNE_DIR/times.txt" | awk -v hz="$(getconf CLK_TCK)" '{
      s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
      printf "%d", s * hz }')
  OUR_TICKS=$((t + v))
}
# tcase CASE PATH NOTE : run_case + CPU split (box busy / Tribune+wrk / other) + HTTP statuses
# Tribune logged for PATH during the run (its request log: status and app ms per request).
tcase() {
  local case=$1 path=$2 note=$3 b0 t0 o0 b1 t1 o1 s0 s1
  read -r b0 t0 < <(box_ticks); our_ticks; o0=$OUR_TICKS; s0=$(stat -c %s "$TRIBUNE_DIR/server.log")
  run_case tribune "$case" "$TRIBUNE_URL$path" "${TCASE_LUA:-get.lua}" "$note"
  read -r b1 t1 < <(box_ticks); our_ticks; o1=$OUR_TICKS; s1=$(stat -c %s "$TRIBUNE_DIR/server.log")
  record_metric tribune "$case.cpu_box_bench_other" "$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v o=$((o1 - o0)) \
    'BEGIN { if (t <= 0) t = 1; x = b - o; if (x < 0) x = 0; printf "%.0f/%.0f/%.0f", 100*b/t, 100*o/t, 100*x/t }')" \
    "%" "share of all CPUs: busy / Tribune + wrk + curl / other processes"
  record_metric tribune "$case.server_log" "$(python3 - "$TRIBUNE_DIR/server.log" "$s0" "$s1" "$path" <<'PY'
import re, sys
from collections import Counter
log, a, b, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
chunk = open(log, "rb").read()[a:b].decode("utf-8", "replace")
codes, ms = Counter(), []
for m in re.finditer(r" tribune\.request (\w+) (\S+) (\d{3}) ([\d.]+)ms$", chunk, re.M):
    if m.group(2) == path:
        codes[m.group(3)] += 1; ms.append(float(m.group(4)))
ms.sort()
p = lambda q: ms[min(len(ms) - 1, int(round(q / 100 * (len(ms) - 1))))] if ms else 0
print(" ".join(f"{k}:{v}" for k, v in sorted(codes.items())) or "none",
      "app_ms_p50/p90/p99=%.1f/%.1f/%.1f" % (p(50), p(90), p(99)),
      "worker_restarts=%d" % chunk.count("Autorestarting worker"))
PY
)" "" "HTTP statuses Tribune logged for this path during the run, app time, workers rebooted"
}

# tsingle NAME PATH N [CURL ARGS...] : like time_single (1 warm-up + N sequential curl requests,
# median/min time and size as metrics), but extra curl args (a cookie) can be given
tsingle() {
  local name=$1 p=$2 n=$3 i; shift 3
  curl -s -o /dev/null --max-time 60 "$@" "$TRIBUNE_URL$p"
  for i in $(seq 1 "$n"); do
    curl -s -o /dev/null --max-time 60 -w '%{time_total} %{size_download} %{http_code}\n' "$@" "$TRIBUNE_URL$p"
  done >"$WORK/wrk/tribune--$name.single.txt"
  read -r med min size code < <(python3 - "$WORK/wrk/tribune--$name.single.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
t = [float(r[0]) * 1000 for r in rows]
print("%.1f %.1f %s %s" % (statistics.median(t), min(t), rows[-1][1], ",".join(sorted({r[2] for r in rows}))))
PY
)
  record_metric tribune "$name.single_ms_median" "$med" ms "sequential, n=$n, HTTP $code"
  record_metric tribune "$name.single_ms_min" "$min" ms ""
  record_metric tribune "$name.response_bytes" "$size" bytes ""
}

tribune_count_rows() {
  (cd "$TRIBUNE_REPO" && "$TRIBUNE_PY" manage.py shell -v 0 -c \
    "from discussion.models import Comment, Thread; t = Thread.objects.get(article_id=$1); print(Comment.objects.filter(thread=t).count(), t.comment_count)" 2>/dev/null | tail -1)
}

adapter_measure() {
  local n id url big i rows before
  export DRAIN_URL="$TRIBUNE_URL/healthz"   # gunicorn's backlog must not spill into the next case
  record_metric tribune box_cpu_idle_before "$(awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat >"$TRIBUNE_DIR/cpu0"; sleep 1; awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat | paste -d' ' "$TRIBUNE_DIR/cpu0" - | awk '{printf "%.0f", 100*($3-$1)/($4-$2)}')" \
    "%" "CPU idle over 1 s before Tribune's cases (bench processes idle)"
  # warm both workers: templates, markdown-free reads, page cache (4 hits each: 2 workers)
  for i in 1 2 3 4; do
    curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL/"
    curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL$TRIBUNE_ARTICLE_PATH"
    for n in $SIZES; do
      id=$(eval echo "\$ARTICLE_ID_t$n"); url=$(eval echo "\$ARTICLE_URL_t$n")
      curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL/api/v1/articles/$id/comments?limit=20"
      curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL$url"
      curl -s -o /dev/null --max-time 30 -H 'Cookie: tribune_recent=1' "$TRIBUNE_URL$url"
    done
  done

  for n in $SIZES; do
    id=$(eval echo "\$ARTICLE_ID_t$n"); url=$(eval echo "\$ARTICLE_URL_t$n")
    # = isso's list-N-page20: the first 20 top-level comments with up to 5 replies each, JSON
    tcase "list-$n-page20" "/api/v1/articles/$id/comments?limit=20" "GET /api/v1/articles/{id}/comments?limit=20 (5 replies each)"
    # the article page as an anonymous reader gets it: served from the page cache after the first hit
    tcase "article-$n" "$url" "article page HTML + first 20 threads, anonymous (page cache)"
    # the same page rendered every time: the tribune_recent cookie bypasses the page cache
    BENCH_HEADERS="Cookie: tribune_recent=1" \
      tcase "article-$n-uncached" "$url" "same page, cookie tribune_recent=1 (no page cache)"
  done
  big=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
  id=$(eval echo "\$ARTICLE_ID_t$big")
  tcase "list-$big-page20-votes" "/api/v1/articles/$id/comments?limit=20&sort=votes" "limit=20&sort=votes"
  # publishing pages, as in bench/run.sh (the flagship has the demo's 2 comments)
  tcase page-home / "home page, anonymous (page cache)"
  tcase page-article "$TRIBUNE_ARTICLE_PATH" "flagship article, anonymous (page cache)"

  # POST new comments (top-level + every 3rd a reply) into the post article, as isso's post case
  read -r before _ < <(tribune_count_rows "$ARTICLE_ID_post")
  BENCH_POST_BODY='{"body": "Benchmark comment {n} with *some* Markdown and a [link](https://example.org/x).", "parent_id": {parent}, "name": "Bench", "email": "bench@example.org"}' \
  BENCH_POST_PARENTS="$POST_PARENTS" BENCH_REPLY_EVERY=3 BENCH_HEADERS="$TRIBUNE_POST_HEADERS" TCASE_LUA=post.lua \
    tcase post "/api/v1/articles/$ARTICLE_ID_post/comments" "POST JSON comment (1/3 replies), CSRF header+cookie"
  read -r rows counted < <(tribune_count_rows "$ARTICLE_ID_post")
  record_metric tribune post.rows_in_db "$rows" rows "$SEEDED_post seeded + 1 set-up check + accepted POSTs ($((rows - before)) during the run; Thread.comment_count=$counted)"
  tribune_post_statuses post

  # single sequential requests, no concurrency
  for n in $SIZES; do
    [ "$n" -ge 1000 ] || continue
    id=$(eval echo "\$ARTICLE_ID_t$n"); url=$(eval echo "\$ARTICLE_URL_t$n")
    tsingle "list-$n-page20" "/api/v1/articles/$id/comments?limit=20" 5
    tsingle "article-$n" "$url" 5
    tsingle "article-$n-uncached" "$url" 5 -H 'Cookie: tribune_recent=1'
  done

  local pgid; pgid=$(cat "$WORK/pids/tribune.pgid")
  record_metric tribune rss_total_kb "$(tribune_rss_kb "$pgid")" kB \
    "serve + gunicorn master + $TRIBUNE_WORKERS workers + db_worker, after the runs"
  record_metric tribune rss_peak_kb "$(for p in $(tribune_group_members "$pgid"); do awk '/^VmHWM:/{print $2}' "/proc/$p/status" 2>/dev/null; done | awk '{s += $1} END {print s + 0}')" \
    kB "sum of VmHWM (peak) of the same processes"
  record_metric tribune server_log_check "$(python3 - "$TRIBUNE_DIR/server.log" <<'PY'
import re, sys
from collections import Counter
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
codes = Counter(m.group(1) for m in re.finditer(r" tribune\.request \w+ \S+ (\d{3}) [\d.]+ms$", t, re.M))
print(" ".join(f"{k}:{v}" for k, v in sorted(codes.items())),
      "tracebacks=%d" % t.count("Traceback (most recent call last)"),
      "worker_timeouts=%d" % t.count("WORKER TIMEOUT"),
      "max_requests_restarts=%d" % t.count("Autorestarting worker"))
PY
)" "" "whole run, from Tribune's request log"

  # The same POSTs with moderation off (MODERATION_ENABLED=0): the server restarted on the same
  # data, so the two post cases differ only by the review every comment gets.
  # The first server's log is kept as server-moderated.log.
  tribune_stop tribune
  mv "$TRIBUNE_DIR/server.log" "$TRIBUNE_DIR/server-moderated.log"
  MODERATION_ENABLED=0 tribune_start tribune "$TRIBUNE_REPO" "$TRIBUNE_PY" "$TRIBUNE_PORT" \
    "$TRIBUNE_WORKERS" "$TRIBUNE_DIR/server.log"
  wait_http "$TRIBUNE_URL/healthz" 60
  # The words of the moderated run's POSTs with one more: wrk numbers its requests from 1 again,
  # and the bench sends no reader cookie, so the same words from the same guest and address
  # within DISCUSSION_DUPLICATE_WINDOW would be taken for a second click and answered with the
  # comment already stored.
  BENCH_POST_BODY='{"body": "Benchmark comment {n} again, with *some* Markdown and a [link](https://example.org/x).", "parent_id": {parent}, "name": "Bench", "email": "bench@example.org"}' \
  BENCH_POST_PARENTS="$POST_PARENTS" BENCH_REPLY_EVERY=3 BENCH_HEADERS="$TRIBUNE_POST_HEADERS" TCASE_LUA=post.lua \
    tcase post-unmoderated "/api/v1/articles/$ARTICLE_ID_post/comments" "the same POSTs, MODERATION_ENABLED=0"
  tribune_post_statuses post-unmoderated
}

# tribune_post_statuses CASE [LOG] : how many POSTs the server answered 201 (published) and 202
# (held by moderation) in the whole log
tribune_post_statuses() {
  local logf=${2:-$TRIBUNE_DIR/server.log}
  record_metric tribune "$1.statuses" "$(grep -Eo 'POST /api/v1/articles/[0-9]+/comments (201|202|400)' "$logf" \
    | awk '{print $3}' | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" "" "POST answers in the log so far: 201 published, 202 held, 400 refused"
}

adapter_stop() { tribune_stop tribune; }
