# Adapter: Tribune, for the shared anchor harness (/work/shared/bench, adapters/tribune.sh.example).
# STARTING POINT: the discussion API does not exist yet, so this adapter measures only what
# Tribune serves today -- the home page and the flagship article (case names page-home and
# page-article, the same as bench/run.sh). The comment cases of the template (list-N-page20,
# page-N, post) are kept below, commented out and marked "DISCUSSION API", to fill in when
# `/api/v1/articles/<id>/comments` and a seed-loading command exist.
#
# Run from the project root:
#   BENCH_ADAPTER_PATH=bench/adapters BENCH_ADAPTERS="isso tribune static" \
#     BENCH_RESULTS=bench/results/anchors-latest.md ../shared/bench/run-anchors.sh
#
# Contract (run-anchors.sh sources this in its own subshell and calls, in this order):
#   adapter_setup    migrate + collectstatic + load_demo_site into a bench data dir ($WORK/tribune/var)
#   adapter_start    `manage.py serve` (gunicorn + task worker, as `make run`) in its own process
#                    group, PID recorded by bg_start
#   adapter_seed     wait for /healthz; find the flagship article; warm up.
#                    DISCUSSION API: load $SEED_DIR/t{10,1000,10000}.jsonl into articles here.
#   adapter_measure  run_case per case; time_single; record_metric (RSS)
#   adapter_stop     stop by PID, then by process-group ID; never by name
# Available: $WORK $SEED_DIR $SIZES $SITE_URL $BENCH_DIR, helpers from lib/common.sh.
TRIBUNE_PORT=${TRIBUNE_PORT:-18082}
TRIBUNE_URL="http://127.0.0.1:$TRIBUNE_PORT"
TRIBUNE_REPO=${TRIBUNE_REPO:-$PWD}
TRIBUNE_PY=${TRIBUNE_PY:-$TRIBUNE_REPO/.venv/bin/python}
TRIBUNE_WORKERS=${TRIBUNE_WORKERS:-2}   # as isso gets (ISSO_WORKERS=2)

[ -f "$TRIBUNE_REPO/bench/lib/tribune.sh" ] \
  || die "run from Tribune's project root (or set TRIBUNE_REPO): no bench/lib/tribune.sh in $TRIBUNE_REPO"
# shellcheck source=../lib/tribune.sh
. "$TRIBUNE_REPO/bench/lib/tribune.sh"

adapter_setup() {
  [ -x "$TRIBUNE_PY" ] || (cd "$TRIBUNE_REPO" && make install)
  mkdir -p "$WORK/tribune"
  # Own SQLite DB/media/static under the work dir, DEBUG off, no gunicorn control socket.
  tribune_env "$WORK/tribune/var" "$TRIBUNE_URL" "$TRIBUNE_WORKERS"
  tribune_prepare "$TRIBUNE_REPO" "$TRIBUNE_PY" "$WORK/tribune/setup.log"
}

adapter_start() {
  tribune_start tribune "$TRIBUNE_REPO" "$TRIBUNE_PY" "$TRIBUNE_PORT" "$TRIBUNE_WORKERS" \
    "$WORK/tribune/server.log"
}

adapter_seed() {
  wait_http "$TRIBUNE_URL/healthz" 60
  curl -s -o "$WORK/tribune/home.html" --max-time 60 "$TRIBUNE_URL/"   # cold: makes renditions
  TRIBUNE_ARTICLE_PATH=$(tribune_lead_path "$TRIBUNE_PY" "$WORK/tribune/home.html" "$TRIBUNE_URL") \
    || die "no flagship article on Tribune's home page"
  log "tribune flagship article: $TRIBUNE_ARTICLE_PATH"
  curl -s -o /dev/null --max-time 60 "$TRIBUNE_URL$TRIBUNE_ARTICLE_PATH"
  local i
  for i in 1 2 3 4; do   # warm both gunicorn workers
    curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL/"
    curl -s -o /dev/null --max-time 30 "$TRIBUNE_URL$TRIBUNE_ARTICLE_PATH"
  done

  # ---- DISCUSSION API (not built yet) -----------------------------------------------------
  # Load the shared seed threads, e.g.
  #   "$TRIBUNE_PY" "$TRIBUNE_REPO/manage.py" load_bench_threads "$SEED_DIR"/t*.jsonl \
  #     >"$WORK/tribune/ids.env"     # prints ARTICLE_t10=…, ARTICLE_t1000=…, ARTICLE_post=…
  #   . "$WORK/tribune/ids.env"
  # (one JSON object a line: idx, parent, author, email, website, remote_addr, text, created,
  #  likes, dislikes -- see the template's header).
}

adapter_measure() {
  export DRAIN_URL="$TRIBUNE_URL/healthz"   # gunicorn's backlog must not spill into the next case
  # ---- what exists today: published pages, anonymous ------------------------------------
  run_case tribune page-home "$TRIBUNE_URL/" get.lua "home page, anonymous (no comments yet)"
  run_case tribune page-article "$TRIBUNE_URL$TRIBUNE_ARTICLE_PATH" get.lua \
    "flagship article, anonymous (no comments yet)"
  time_single tribune page-article "$TRIBUNE_URL$TRIBUNE_ARTICLE_PATH" 5

  # ---- DISCUSSION API (not built yet): the cases that line up with isso's rows --------------
  # local n id
  # for n in $SIZES; do
  #   id=$(eval echo "\${ARTICLE_t$n}")
  #   run_case tribune "list-$n-page20" "$TRIBUNE_URL/api/v1/articles/$id/comments?limit=20" \
  #     get.lua "first page, JSON"
  #   run_case tribune "page-$n" "$TRIBUNE_URL/<the article's URL>" get.lua \
  #     "article page with first comments"
  # done
  # # CSRF: a fixed token pair works for every request (cookie csrftoken=T, header X-CSRFToken: T).
  # BENCH_POST_BODY='{"body": "Benchmark comment {n} with *some* Markdown.", "parent_id": {parent}, "name": "Bench {n}", "email": "bench{n}@example.org"}' \
  # BENCH_HEADERS="Cookie: csrftoken=<T>|X-CSRFToken: <T>|Referer: $TRIBUNE_URL/" \
  #   run_case tribune post "$TRIBUNE_URL/api/v1/articles/$ARTICLE_post/comments" post.lua \
  #     "POST comment"

  record_metric tribune rss_total_kb "$(tribune_rss_kb "$(cat "$WORK/pids/tribune.pid")")" kB \
    "serve + gunicorn master + $TRIBUNE_WORKERS workers + db_worker, after the runs"
}

adapter_stop() { tribune_stop tribune; }
