# Tribune start/stop helpers shared by bench/run.sh and bench/adapters/tribune.sh (bash).
# Source AFTER the shared harness's lib/common.sh (uses log, die, bg_start, stop_pid, $WORK).

# tribune_env VAR_DIR SITE_URL WORKERS : the environment the bench server and its set-up run in.
# Own data dir (SQLite DB, media, static, secret key), so a bench never writes to the var/ of a
# developer's `make run`; DEBUG off; no DATABASE_URL/REDIS_URL inherited from the shell.
tribune_env() {
  export TRIBUNE_VAR_DIR=$1 SITE_URL=$2 WEB_CONCURRENCY=$3 DEBUG=0
  unset DATABASE_URL REDIS_URL 2>/dev/null || true
  # gunicorn >= 23.1 opens a control socket at $XDG_RUNTIME_DIR or $HOME/.gunicorn/gunicorn.ctl
  # by default: the same path a `make run` dev server uses, which the bench's gunicorn would take
  # over and then delete when it stops. `manage.py serve` has no flag for it; gunicorn reads this.
  case " ${GUNICORN_CMD_ARGS:-} " in
    *" --no-control-socket "*) ;;
    *) export GUNICORN_CMD_ARGS="${GUNICORN_CMD_ARGS:+$GUNICORN_CMD_ARGS }--no-control-socket" ;;
  esac
  mkdir -p "$TRIBUNE_VAR_DIR"
}

# tribune_prepare REPO PY LOGFILE : what `make run` does before serving (bounded in time).
tribune_prepare() {
  local repo=$1 py=$2 logf=$3 t=${BENCH_SETUP_TIMEOUT:-600}
  : >"$logf"
  timeout "$t" "$py" "$repo/manage.py" migrate --noinput >>"$logf" 2>&1 \
    || die "migrate failed (see $logf)"
  timeout "$t" "$py" "$repo/manage.py" collectstatic --noinput --verbosity 0 >>"$logf" 2>&1 \
    || die "collectstatic failed (see $logf)"
  timeout "$t" "$py" "$repo/manage.py" load_demo_site >>"$logf" 2>&1 \
    || die "load_demo_site failed (see $logf)"
}

# tribune_start NAME REPO PY PORT WORKERS LOGFILE : `manage.py serve` (gunicorn + db_worker) in its
# own session/process group via setsid. The background child is not a group leader, so setsid
# execs in place: the recorded PID is `manage.py serve` itself and is also the group's PGID.
tribune_start() {
  local name=$1 repo=$2 py=$3 port=$4 workers=$5 logf=$6 pid
  bg_start "$name" "$logf" setsid "$py" "$repo/manage.py" serve --port "$port" --workers "$workers"
  pid=$(cat "$WORK/pids/$name.pid")
  echo "$pid" >"$WORK/pids/$name.pgid"
  sleep 0.3
  [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] \
    || log "WARNING: $name pid $pid is not its own process-group leader"
}

# PIDs whose process group is $1
tribune_group_members() { ps -eo pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'; }

# tribune_stop NAME : TERM `manage.py serve` by PID (it stops gunicorn and the task worker and waits
# for them); then whatever is still in its process group (e.g. gunicorn workers orphaned by a KILL)
# gets TERM, then KILL, by that process-group ID. Never by process name.
tribune_stop() {
  local name=$1 f="$WORK/pids/$1.pgid" pgid i
  if [ ! -f "$f" ]; then stop_pid "$name"; return 0; fi
  pgid=$(cat "$f")
  stop_pid "$name"
  if [ -n "$(tribune_group_members "$pgid")" ]; then
    log "process group $pgid ($name) still has members; TERM then KILL by group id"
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 50); do [ -z "$(tribune_group_members "$pgid")" ] && break; sleep 0.2; done
    [ -z "$(tribune_group_members "$pgid")" ] || kill -KILL -- "-$pgid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# tribune_rss_kb PGID : sum of VmRSS over the process group (serve, gunicorn master + workers,
# db_worker), in kB
tribune_rss_kb() {
  local total=0 p v
  for p in $(tribune_group_members "$1"); do
    v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# tribune_lead_path PY HOME_HTML BASE_URL : path of the flagship article, i.e. the href of the
# first `.front__lead .card__title a` on the home page (made relative to the bench server).
tribune_lead_path() {
  "$1" - "$2" "$3" <<'PY'
import sys
from urllib.parse import urljoin, urlsplit
from bs4 import BeautifulSoup
soup = BeautifulSoup(open(sys.argv[1], encoding="utf-8").read(), "html.parser")
link = soup.select_one(".front__lead .card__title a")
if link is None or not link.get("href"):
    sys.exit("no .front__lead .card__title a on the home page")
parts = urlsplit(urljoin(sys.argv[2] + "/", link["href"]))
print(parts.path + ("?" + parts.query if parts.query else ""))
PY
}

# ---- what the bench scripts share besides Tribune itself ------------------------------------------
# check_rounds_and_duration : sets DUR_S from DURATION ("10s"); dies unless DURATION is 1s to 120s
# and ROUNDS (when set) 1 to 5.
check_rounds_and_duration() {
  DUR_S=${DURATION%s}
  case "$DUR_S" in ''|*[!0-9]*) die "BENCH_DURATION must be whole seconds, e.g. 10s" ;; esac
  [ "$DUR_S" -ge 1 ] && [ "$DUR_S" -le 120 ] || die "BENCH_DURATION must be 1s to 120s"
  if [ -n "${ROUNDS:-}" ]; then
    case "$ROUNDS" in *[!0-9]*) die "BENCH_ROUNDS must be a whole number" ;; esac
    [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 5 ] || die "BENCH_ROUNDS must be 1 to 5"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# idle_pct : % of CPU time idle over one second (other work on the box skews every number)
idle_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat); sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat)
  echo "$a $b" | awk '{t = $3 - $1; printf "%.0f", (t > 0 ? 100 * ($4 - $2) / t : 0)}'
}

# CPU accounting: the whole box (busy and total ticks) against what the bench itself used.
box_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
# ticks_of PID... : sets OUR_TICKS = the CPU ticks of these processes + this shell's waited-for
# children (wrk, curl). Must run in this shell, not in $(...): `times` of a subshell is empty.
ticks_of() {
  local t=0 p v
  for p in "$@"; do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}' || true)
    t=$((t + ${v:-0}))
  done
  times >"$WORK/times.txt"
  v=$(tail -1 "$WORK/times.txt" | awk -v hz="$(getconf CLK_TCK)" '{
      s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] }
      printf "%d", s * hz }')
  OUR_TICKS=$((t + v))
}
