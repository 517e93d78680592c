#!/usr/bin/env bash
# bench/run.sh: throughput/latency benchmark of yundoc against a bare Helidon route and nginx.
# See bench/README.md. Loads 127.0.0.1 only; every run is bounded in time; everything it starts is
# stopped on exit. Knobs (env): DURATION (s, default 15), WARMUP (s, 20), CONNECTIONS (64), THREADS (2),
# BIG_CONNECTIONS (4), BIG_DURATION (s, = DURATION), BIG_MIB (256), STARTUP_RUNS (3), MAX_APPS (64),
# ONLY (comma list of appspace,links,download,big; default all: the others are reported as "not run"),
# YUNDOC_SERVE_ARGS (extra 'serve' flags, e.g. --db/--quota to measure one scale-out instance directly),
# JFR (a directory: record a JFR profile of yundoc during each measured run into DIR/<run>.jfr; costs some CPU).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
. "$ROOT/bin/_jdk.sh"   # exports JAVA_HOME (newest JDK >= 21) and checks for mvn

secs() { local v="${1%s}"; [[ "$v" =~ ^[0-9]+$ ]] || { echo "bench: '$1' is not a number of seconds" >&2; exit 2; }; echo "$v"; }
DURATION=$(secs "${DURATION:-15}")
WARMUP=$(secs "${WARMUP:-20}")   # 20 s: on 2 shared cores the JIT needs that long to reach steady state (5 s left p99 ~27 ms)
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BIG_CONNECTIONS=${BIG_CONNECTIONS:-4}
BIG_DURATION=$(secs "${BIG_DURATION:-$DURATION}")
BIG_MIB=${BIG_MIB:-256}
STARTUP_RUNS=${STARTUP_RUNS:-3}
ONLY=${ONLY:-appspace,links,download,big}
WIREMOCK_VERSION=${WIREMOCK_VERSION:-3.13.2}   # PEERS=1: org.wiremock:wiremock-standalone from Maven Central
want() { [[ ",$ONLY," == *",$1,"* ]]; }
MAX_APPS=${MAX_APPS:-64}
MIN_APPS=${MIN_APPS:-1}   # force rotation over at least this many apps (testing)
QUIET_WAIT=${QUIET_WAIT:-180}   # before each measurement, wait up to this many s for other CPU load to settle
QUIET_PCT=${QUIET_PCT:-25}      # "settled" = less than this % of all cores busy over a 3 s sample
[ "$THREADS" -le "$CONNECTIONS" ] || THREADS=$CONNECTIONS
BIG_THREADS=$THREADS; [ "$BIG_THREADS" -le "$BIG_CONNECTIONS" ] || BIG_THREADS=$BIG_CONNECTIONS
if [ $((WARMUP + DURATION)) -gt 600 ] || [ $((WARMUP + BIG_DURATION)) -gt 600 ]; then
  echo "bench: warm-up + run must stay under 10 min (signed Date and download URLs must stay valid)" >&2; exit 2
fi

OUT="$BENCH/out"
RAW="$OUT/raw"
mkdir -p "$RAW"

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# One run at a time on this machine: two overlapping runs would load the same cores and share bench/out/.
exec 9>"$OUT/.run.lock"
if ! flock -n 9; then
  log "another bench/run.sh is running; waiting for it (up to ${LOCK_WAIT:-1200}s)"
  flock -w "${LOCK_WAIT:-1200}" 9 || die "another bench/run.sh is still running"
fi
rm -f "$RAW"/*.txt "$RAW"/*.log 2>/dev/null || true

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "need $* but apt-get is not available; install it by hand"
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v wrk >/dev/null 2>&1 || { log "installing wrk"; apt_install wrk; }
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then log "installing nginx"; apt_install nginx; NGINX=$(command -v nginx || echo /usr/sbin/nginx); fi
for t in curl md5sum sha1sum awk sed; do command -v "$t" >/dev/null 2>&1 || die "needs $t"; done

# ---------------------------------------------------------------- processes and clean-up
WORK=$(mktemp -d /tmp/yundoc-bench.XXXXXX)
PIDS=()
stop_pid() {  # stop one process we started: TERM, up to 10 s, then KILL
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
forget_pid() {  # stop a process and drop it from the clean-up list (so a reused pid is never killed)
  local pid=$1 p keep=()
  stop_pid "$pid"
  for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
cleanup() {
  local rc=$?
  trap - EXIT
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  for f in "$WORK"/*.log "$WORK"/nginx/error.log; do [ -f "$f" ] && cp "$f" "$RAW/" 2>/dev/null || true; done
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

USED_PORTS=" "
free_port() {  # free_port VAR: a port nobody listens on (and that we have not handed out yet)
  local p i
  for i in $(seq 1 500); do
    p=$((20000 + RANDOM % 12000))  # below Linux's ephemeral range (32768-): a load's TIME_WAIT sockets cannot hold it
    case "$USED_PORTS" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS="$USED_PORTS$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "no free port found"
}

# ---------------------------------------------------------------- CPU accounting (the machine is shared)
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }   # jiffies, all cores: user nice system irq softirq steal
cpu_tasks() { awk '/^cpu / {print $2 + $3 + $4 + $9}' /proc/stat; }              # the same without irq/softirq (loopback traffic lands there)
pids_jiffies() {  # utime+stime of the given pids and their children (nginx workers)
  local t=0 p c
  for p in "$@"; do
    for c in "$p" $(pgrep -P "$p" 2>/dev/null || true); do
      [ -r "/proc/$c/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$t"
}
children_secs() {  # children_secs FILE: user+sys s of this shell's finished children, from a 'times' dump
  awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); s += a[1] * 60 + a[2] } printf "%.2f", s }' "$1"
}
# wait_quiet LABEL: wait (bounded) until the machine is not busy with someone else's work; others share it.
wait_quiet() {
  local start=$SECONDS b0 b1 pct
  while :; do
    b0=$(cpu_busy); sleep 3; b1=$(cpu_busy)
    pct=$(awk -v d=$((b1 - b0)) -v n="$(nproc)" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", d * 100 / (n * hz * 3) }')
    [ "$pct" -lt "$QUIET_PCT" ] && return 0
    if [ $((SECONDS - start)) -ge "$QUIET_WAIT" ]; then
      log "WARNING: machine still ${pct}% busy with other work after ${QUIET_WAIT}s; measuring $1 anyway"
      return 0
    fi
    log "machine ${pct}% busy with other work; waiting before $1"
  done
}

# wait_200 URL PID TIMEOUT_S: poll until URL answers 200 (every 20 ms); fails if PID dies first
. "$BENCH/_health.sh"
wait_200() { wait_http_200 "$1" "$2" "$3"; }  # URL PID SECONDS (bench/_health.sh: no forks while polling)

# ---------------------------------------------------------------- build
BASE_JAR="$BENCH/baseline/target/baseline.jar"
if [ ! -f "$BASE_JAR" ] || [ -n "$(find "$BENCH/baseline" -path "$BENCH/baseline/target" -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$BASE_JAR" -print -quit)" ]; then
  log "building the baseline (bench/baseline)"
  (cd "$BENCH/baseline" && mvn -B -q -DskipTests package) >&2 || die "baseline build failed"
fi
YD_JAR="$ROOT/yundoc-cli/target/yundoc-cli.jar"
log "building yundoc if needed (bin/yundoc --version)"
if ! "$ROOT/bin/yundoc" --version >"$WORK/build.log" 2>&1; then
  [ -f "$YD_JAR" ] || { cat "$WORK/build.log" >&2; die "yundoc build failed"; }
  log "WARNING: yundoc build failed (others may be editing); benchmarking the last built jar"
  tail -n 20 "$WORK/build.log" >&2
fi
# Snapshot the built jars so a concurrent rebuild cannot change what is measured mid-run.
mkdir -p "$WORK/yundoc-app/lib"
cp "$YD_JAR" "$WORK/yundoc-app/"
cp "$ROOT"/yundoc-cli/target/lib/*.jar "$WORK/yundoc-app/lib/"
YD_GIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
YD_DIRTY=$(cd "$ROOT" && git status --porcelain -- yundoc-* 2>/dev/null | wc -l | tr -d ' ')

# ---------------------------------------------------------------- machine
CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
NPROC=$(nproc)
JDK_VERSION=$("$JAVA_HOME/bin/java" -version 2>&1 | awk 'NR == 1' || true)
JDK_RUNTIME=$("$JAVA_HOME/bin/java" -version 2>&1 | awk 'NR == 2' || true)
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $1, $2}')
NGINX_VERSION=$( ("$NGINX" -v 2>&1 || true) | sed 's/^nginx version: //')
RUN_DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
log "machine: $NPROC x $CPU_MODEL; $JDK_VERSION; $WRK_VERSION; $NGINX_VERSION"

# ---------------------------------------------------------------- baseline server
free_port BASE_PORT
"$JAVA_HOME/bin/java" -cp "$BASE_JAR:$BENCH/baseline/target/lib/*" bench.Baseline "$BASE_PORT" >"$WORK/baseline.log" 2>&1 &
BASE_PID=$!; PIDS+=("$BASE_PID")
BASE="http://127.0.0.1:$BASE_PORT"

# ---------------------------------------------------------------- yundoc: start-up to healthy
ADMIN_TOKEN="bench-$(head -c 16 /dev/urandom | md5sum | cut -c1-24)"
YD_PID=""
# Mirror bin/yundoc's JVM flags for the snapshot class path. JDK 25+: bin/yundoc records an ahead-of-time cache once
# per build (bin/_aot.sh) and every start maps it; the bench records its own the same way, untimed, before the timed
# launches. JDK 21-24: dynamic CDS (the first launch has no archive yet and writes it at exit, later launches map it).
YD_CDS=()
YD_AOT=""
if [ "${YUNDOC_JAVA_MAJOR:-0}" -ge 25 ] && grep -q 'AOTCacheOutput' "$ROOT/bin/_aot.sh" 2>/dev/null; then
  . "$ROOT/bin/_aot.sh"
  log "recording the ahead-of-time cache as bin/yundoc does once per build (not timed)"
  T_AOT0=$(date +%s)
  if yundoc_aot_train "$WORK/yundoc-app/yundoc-cli.jar:$WORK/yundoc-app/lib/*" "$WORK/yundoc-app/yundoc.aot"; then
    YD_AOT="$WORK/yundoc-app/yundoc.aot"
    YD_CDS=("-XX:AOTCache=$YD_AOT" "-Xlog:aot*=off" "-Xlog:cds*=off")
    log "  recorded in $(( $(date +%s) - T_AOT0 )) s"
  else
    log "WARNING: no ahead-of-time cache was recorded; timing start-up without it"
  fi
elif grep -q 'AutoCreateSharedArchive' "$ROOT/bin/yundoc"; then
  YD_CDS=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$WORK/yundoc-app/yundoc.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
start_yundoc() {  # start_yundoc N: fresh data dir, launch, time to the first 200 of /health (ms) -> STARTUP_MS
  local n=$1
  free_port YD_PORT
  rm -rf "$WORK/data$n"
  local t0 t1 c0 c1 yj
  c0=$(cpu_tasks)
  t0=$(date +%s%N)
  YUNDOC_ADMIN_TOKEN="$ADMIN_TOKEN" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${YD_CDS[@]}" ${YUNDOC_JAVA_OPTS:-} \
    -cp "$WORK/yundoc-app/yundoc-cli.jar:$WORK/yundoc-app/lib/*" io.yundoc.cli.Main \
    serve --dev --data "$WORK/data$n" --port "$YD_PORT" ${YUNDOC_SERVE_ARGS:-} >"$WORK/yundoc-$n.log" 2>&1 &
  YD_PID=$!; PIDS+=("$YD_PID")
  wait_200 "http://127.0.0.1:$YD_PORT/health" "$YD_PID" 60 || { cat "$WORK/yundoc-$n.log" >&2; die "yundoc did not become healthy"; }
  t1=$(date +%s%N)
  c1=$(cpu_tasks); yj=$(pids_jiffies "$YD_PID")
  STARTUP_MS=$(( (t1 - t0) / 1000000 ))
  # other processes' share of the machine during this start-up (the curl polling included; it is small)
  STARTUP_OTHER=$(awk -v d=$((c1 - c0 - yj)) -v hz="$CLK_TCK" -v n="$(nproc)" -v ms="$STARTUP_MS" \
    'BEGIN { if (d < 0) d = 0; printf "%.0f", d * 100 / (n * hz * ms / 1000) }')
  STARTUP_INTERNAL=$(sed -n 's/^ *started in *\([0-9]*\) ms.*/\1/p' "$WORK/yundoc-$n.log" | head -n1)
}
STARTUPS=(); STARTUP_OTHERS=()
wait_quiet "the start-up measurement"
for n in $(seq 1 "$STARTUP_RUNS"); do
  start_yundoc "$n"
  STARTUPS+=("$STARTUP_MS"); STARTUP_OTHERS+=("$STARTUP_OTHER")
  log "yundoc start-up #$n: ${STARTUP_MS} ms to healthy (server's own 'started in': ${STARTUP_INTERNAL:-?} ms; other processes ${STARTUP_OTHER}% of the machine)${YD_AOT:+; with the AOT cache}"
  if [ "$n" -lt "$STARTUP_RUNS" ]; then forget_pid "$YD_PID"; fi   # the last instance is the one benchmarked
done
STARTUP_MEDIAN=$(printf '%s\n' "${STARTUPS[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
STARTUP_LIST=$(IFS=,; echo "${STARTUPS[*]}" | sed 's/,/, /g')
STARTUP_OTHER_LIST=$(IFS=,; echo "${STARTUP_OTHERS[*]}" | sed 's/,/, /g')
STARTUP_NOTE="no CDS archive or AOT cache (bin/yundoc uses none)"
if [ -n "$YD_AOT" ]; then
  STARTUP_NOTE="with bin/yundoc's ahead-of-time cache (JDK 25+; recorded once per build, before these launches, in about 20 s)"
elif [ "${#YD_CDS[@]}" != 0 ]; then STARTUP_NOTE="with bin/yundoc's dynamic CDS: the first launch has no archive yet and writes it at exit$( [ -f "$WORK/yundoc-app/yundoc.jsa" ] && echo ", later ones map it" || echo "; WARNING: no archive was written")"
fi
YD="http://127.0.0.1:$YD_PORT"
wait_200 "$BASE/hello" "$BASE_PID" 60 || { cat "$WORK/baseline.log" >&2; die "baseline did not start"; }

# ---------------------------------------------------------------- helpers: admin API, JSON, WPS-2
json_str() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n1; }
admin_post() {  # admin_post PATH JSON -> body (fails on non-2xx)
  curl -sS --fail-with-body -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -X POST "$YD/admin/v1/$1" -d "$2" || die "admin POST $1 failed"
}
ALL_SCOPES='["user_basic","access_personal_files","download_personal_files","create_personal_files","edit_personal_files","modify_personal_files","remove_personal_files","clone_personal_files"]'
http_date() { LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT'; }
wps2_sig() { printf '%s' "$1$2$3$4" | sha1sum | cut -d' ' -f1; }   # key md5 content-type date

APP_IDS=(); APP_KEYS=(); TOKENS=(); AS_FILES=()
USER_ID=$(admin_post users '{"name":"bench","password":"bench-password-1"}' | json_str user_id)
[ -n "$USER_ID" ] || die "could not create the user"

# add_app: a formal app, an all-scope token for the bench user, and one file in its app space
add_app() {
  local i=${#APP_IDS[@]} body app_id app_key tok bnd mp md5 ct date sig ft
  body=$(admin_post apps "{\"name\":\"bench-$i\",\"tier\":\"formal\",\"redirect_uris\":[]}")
  app_id=$(json_str app_id <<<"$body"); app_key=$(json_str app_key <<<"$body")
  [ -n "$app_id" ] && [ -n "$app_key" ] || die "could not create app: $body"
  tok=$(admin_post tokens "{\"app_id\":\"$app_id\",\"user_id\":\"$USER_ID\",\"scopes\":$ALL_SCOPES}" | json_str access_token)
  [ -n "$tok" ] || die "could not issue a token for $app_id"
  # WPS-2 signed multipart upload into the app's space
  bnd="yundocbench$(head -c 8 /dev/urandom | md5sum | cut -c1-16)"
  mp="$WORK/appspace-$i.multipart"
  printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="bench-info-%s.txt"\r\nContent-Type: text/plain\r\n\r\nyundoc bench app-space file\r\n--%s--\r\n' \
    "$bnd" "$i" "$bnd" >"$mp"
  md5=$(md5sum "$mp" | cut -d' ' -f1); ct="multipart/form-data; boundary=$bnd"; date=$(http_date)
  sig=$(wps2_sig "$app_key" "$md5" "$ct" "$date")
  body=$(curl -sS -X POST "$YD/api/v1/openapi/appspace/files/upload" -H "Date: $date" -H "Content-Md5: $md5" \
    -H "Content-Type: $ct" -H "Authorization: WPS-2:$app_id:$sig" --data-binary "@$mp")
  ft=$(json_str file_token <<<"$body")
  [ -n "$ft" ] || die "app-space upload failed: $body"
  APP_IDS+=("$app_id"); APP_KEYS+=("$app_key"); TOKENS+=("$tok"); AS_FILES+=("$ft")
}
ensure_apps() { while [ "${#APP_IDS[@]}" -lt "$1" ]; do add_app; done; }

ensure_apps 1
T0=${TOKENS[0]}
API="$YD/api/v1/openapi"

# small personal file + share link
printf 'yundoc bench small file\n' >"$WORK/bench-small.txt"
BODY=$(curl -sS -F "file=@$WORK/bench-small.txt" -F path_from_root=true "$API/personal/files/upload?access_token=$T0")
FT=$(json_str open_id <<<"$BODY"); [ -n "$FT" ] || die "personal upload failed: $BODY"
BODY=$(curl -sS -X POST "$API/personal/files/$FT/links?access_token=$T0" -H 'Content-Type: application/json' \
  -d '{"range":"anyone","permission":"read"}')
[ -n "$(json_str sid <<<"$BODY")" ] || die "share-link creation failed: $BODY"

# ---------------------------------------------------------------- request files for wrk
# one line per request: PATH [TAB Header: value]...  (see bench/lua/requests.lua)
write_appspace_requests() {  # $1 = file, $2 = number of apps; a fresh Date and signature per call
  local i path md5 date sig
  date=$(http_date)
  : >"$1"
  for i in $(seq 0 $(($2 - 1))); do
    path="/api/v1/openapi/appspace/files/${AS_FILES[$i]}"
    md5=$(printf '%s' "$path" | md5sum | cut -d' ' -f1)
    sig=$(wps2_sig "${APP_KEYS[$i]}" "$md5" "application/json" "$date")
    printf '%s\tDate: %s\tContent-Md5: %s\tContent-Type: application/json\tAuthorization: WPS-2:%s:%s\n' \
      "$path" "$date" "$md5" "${APP_IDS[$i]}" "$sig" >>"$1"
  done
}
write_token_requests() {  # $1 = file, $2 = number of apps, $3 = path suffix after /files/<ft>
  local i
  : >"$1"
  for i in $(seq 0 $(($2 - 1))); do
    printf '/api/v1/openapi/personal/files/%s%s?access_token=%s\n' "$FT" "$3" "${TOKENS[$i]}" >>"$1"
  done
}
check_first() {  # check_first FILE LABEL: the first request of the file must answer 200
  local line path code hdrs=()
  line=$(head -n1 "$1")
  IFS=$'\t' read -r -a parts <<<"$line"
  path=${parts[0]}
  for h in "${parts[@]:1}"; do hdrs+=(-H "$h"); done
  code=$(curl -s -o "$WORK/check.out" -w '%{http_code}' "${hdrs[@]}" "$YD$path")
  [ "$code" = 200 ] || die "$2: smoke request answered $code: $(head -c 300 "$WORK/check.out")"
}

# ---------------------------------------------------------------- wrk runs
# run_wrk NAME URL CONNS THREADS DURATION TIMEOUT [REQUESTS_FILE]: warm-up, then the measured run.
# Sets R_RPS R_P99_MS R_NON2XX R_SOCKERR R_BYTES_PER_S R_TRANSFER R_REQUESTS
to_ms() {  # wrk latency text (e.g. 812.00us, 3.21ms, 1.20s, 2.00m) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.2f", n }'
}
run_wrk() {
  local name=$1 url=$2 conns=$3 threads=$4 dur=$5 timeout=$6 reqs=${7:-} script out
  if [ -n "$reqs" ]; then script="$BENCH/lua/requests.lua"; else script="$BENCH/lua/report.lua"; fi
  out="$RAW/$name.txt"
  wait_quiet "$name"
  log "$name: warm-up ${WARMUP}s, then ${dur}s, $conns connections, $threads threads -> $url"
  BENCH_REQUESTS="$reqs" wrk -t"$threads" -c"$conns" -d"${WARMUP}s" --timeout "$timeout" --latency -s "$script" "$url" \
    >"$RAW/$name.warmup.txt" 2>&1 || die "wrk warm-up failed for $name: $(tail -n 5 "$RAW/$name.warmup.txt")"
  if [ -n "${BEFORE_RUN:-}" ]; then "$BEFORE_RUN"; fi
  local profiling=""
  if [ -n "${JFR:-}" ] && [ "${TARGET_PIDS[0]}" = "${YD_PID:-}" ]; then
    mkdir -p "$JFR"; profiling=1
    "$JAVA_HOME/bin/jcmd" "$YD_PID" JFR.start name="$name" settings=profile >/dev/null || die "jcmd JFR.start failed"
  fi
  local tot0 srv0 ch0 tot1 srv1 ch1 irq0 irq1 w0 w1
  times >"$WORK/times"   # in this shell, not a subshell: the children's times include wrk's once it ends
  w0=$(date +%s%N); tot0=$(cpu_tasks); irq0=$(( $(cpu_busy) - tot0 )); srv0=$(pids_jiffies "${TARGET_PIDS[@]}"); ch0=$(children_secs "$WORK/times")
  BENCH_REQUESTS="$reqs" wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout "$timeout" --latency -s "$script" "$url" \
    >"$out" 2>&1 || die "wrk failed for $name: $(tail -n 5 "$out")"
  times >"$WORK/times"
  w1=$(date +%s%N); tot1=$(cpu_tasks); irq1=$(( $(cpu_busy) - tot1 )); srv1=$(pids_jiffies "${TARGET_PIDS[@]}"); ch1=$(children_secs "$WORK/times")
  if [ -n "$profiling" ]; then
    "$JAVA_HOME/bin/jcmd" "$YD_PID" JFR.stop name="$name" filename="$(cd "$JFR" && pwd)/$name.jfr" >/dev/null || log "WARNING: jcmd JFR.stop failed"
  fi
  # shares of the whole machine (all cores) during the measured run: server, wrk, everything else
  # "other" = all busy time (irq/softirq and steal included) minus the server's and wrk's. The kernel charges irq and
  # softirq ticks to the task they interrupt too, so the irq column overlaps the others; softirq work done in
  # ksoftirqd (loopback traffic under load) lands in "other".
  read -r R_SRV_PCT R_WRK_PCT R_OTHER_PCT R_IRQ_PCT < <(awk -v tot=$((tot1 - tot0)) -v srv=$((srv1 - srv0)) -v ch0="$ch0" -v ch1="$ch1" \
    -v irq=$((irq1 - irq0)) -v hz="$CLK_TCK" -v n="$(nproc)" -v d="$(( (w1 - w0) / 1000000 ))" 'BEGIN { cap = n * hz * d / 1000; wrk = (ch1 - ch0) * hz; o = tot + irq - srv - wrk; if (o < 0) o = 0;
      printf "%.0f %.0f %.0f %.0f\n", srv * 100 / cap, wrk * 100 / cap, o * 100 / cap, irq * 100 / cap }')
  R_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  R_P99_MS=$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$out")")
  R_TRANSFER=$(awk '/^Transfer\/sec:/ {print $2}' "$out")
  R_NON2XX=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$out"); R_NON2XX=${R_NON2XX:-0}
  R_SOCKERR=$(sed -n 's/^ *Socket errors: *//p' "$out")
  local bench bytes dur_us
  bench=$(grep '^BENCH ' "$out" || true)
  [ -n "$bench" ] || die "$name: wrk printed no summary line (Lua script error?): $(head -n 5 "$out")"
  if grep -q 'lua:' "$RAW/$name.warmup.txt" "$out"; then die "$name: Lua error: $(grep -h -m1 'lua:' "$RAW/$name.warmup.txt" "$out")"; fi
  bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$bench"); dur_us=$(sed -n 's/.* duration_us=\([0-9]*\).*/\1/p' <<<"$bench")
  R_REQUESTS=$(sed -n 's/.*BENCH requests=\([0-9]*\).*/\1/p' <<<"$bench")
  # server CPU per request (us) and per 10^9 bytes sent (s): robust to other load, unlike req/s
  R_SRV_US=$(awk -v j=$((srv1 - srv0)) -v hz="$CLK_TCK" -v n="${R_REQUESTS:-0}" 'BEGIN { if (n > 0) printf "%.0f", j * 1e6 / hz / n; else print "n/a" }')
  R_SRV_S_PER_GB=$(awk -v j=$((srv1 - srv0)) -v hz="$CLK_TCK" -v b="${bytes:-0}" 'BEGIN { if (b > 0) printf "%.2f", j / hz / (b / 1e9); else print "n/a" }')
  R_BYTES_PER_S=$(awk -v b="${bytes:-0}" -v d="${dur_us:-0}" 'BEGIN { if (d > 0) printf "%.0f", b / (d / 1e6); else print 0 }')
  local w_non2xx
  w_non2xx=$(awk -F: '/Non-2xx or 3xx responses/ {gsub(/ /, "", $2); print $2}' "$RAW/$name.warmup.txt")
  [ -z "$w_non2xx" ] || log "  warm-up: Non-2xx or 3xx responses: $w_non2xx"
  log "  $R_RPS req/s, p99 ${R_P99_MS} ms, $R_TRANSFER/s, requests $R_REQUESTS${R_SOCKERR:+, socket errors: $R_SOCKERR}; server CPU ${R_SRV_US} us/req; CPU (% of all cores): server $R_SRV_PCT, wrk $R_WRK_PCT, other processes $R_OTHER_PCT, irq/softirq $R_IRQ_PCT"
  echo "server CPU per request: $R_SRV_US us; per 10^9 bytes sent: $R_SRV_S_PER_GB s" >>"$out"
  echo "CPU (% of all $(nproc) cores, measured run): server $R_SRV_PCT, wrk $R_WRK_PCT, other processes $R_OTHER_PCT, irq/softirq $R_IRQ_PCT" >>"$out"
  [ "$R_NON2XX" = 0 ] || log "  Non-2xx or 3xx responses: $R_NON2XX"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# 1. baseline
TARGET_PIDS=("$BASE_PID")
run_wrk baseline-hello "$BASE/hello" "$CONNECTIONS" "$THREADS" "$DURATION" 10s
B_RPS=$R_RPS B_P99=$R_P99_MS B_NON2XX=$R_NON2XX B_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" B_US=$R_SRV_US
TARGET_PIDS=("$YD_PID")

# Quotas are per app, per endpoint, per day (formal: R 1,000,000, W 100,000). yundoc cannot be faster than
# the bare route, so size the number of apps (each with its own token / app-space file) from the baseline rate
# with a 25 % margin, and rotate through them in the request files. Nothing is raised or reset on the server.
NEED=$(awk -v r="$B_RPS" -v s=$((WARMUP + DURATION)) 'BEGIN { printf "%.0f", r * s * 1.25 + 100 }')
K_READ=$(( (NEED + 999999) / 1000000 )); [ "$K_READ" -ge 1 ] || K_READ=1
K_WRITE=$(( (NEED + 99999) / 100000 )); [ "$K_WRITE" -ge 1 ] || K_WRITE=1
if [ "$K_WRITE" -gt "$MAX_APPS" ]; then log "WARNING: would need $K_WRITE apps for the download route; capped at $MAX_APPS (429s may appear)"; K_WRITE=$MAX_APPS; fi
if [ "$K_READ" -gt "$MAX_APPS" ]; then K_READ=$MAX_APPS; fi
[ "$K_READ" -ge "$MIN_APPS" ] || K_READ=$MIN_APPS
[ "$K_WRITE" -ge "$MIN_APPS" ] || K_WRITE=$MIN_APPS
log "quota plan: up to $NEED requests per route -> $K_READ formal app(s) for read routes, $K_WRITE for the download route"
ensure_apps "$K_WRITE"; ensure_apps "$K_READ"

# results of the routes not run (ONLY=...) stay at these values
for v in A L D Y N; do
  for f in RPS P99 NON2XX SOCK CPU US BPS TRANSFER REQ SGB; do printf -v "${v}_$f" '%s' 0; done
done
UPLOAD_MS=0

if want appspace; then  # (not indented: the block holds a here-document)
# 2. signed app-space file info (re-signed right before each wrk invocation)
AS_REQ="$WORK/appspace.requests"
write_appspace_requests "$AS_REQ" "$K_READ"; check_first "$AS_REQ" "appspace file info"
resign() { write_appspace_requests "$AS_REQ" "$K_READ"; }
BEFORE_RUN=resign run_wrk appspace-info "$YD/" "$CONNECTIONS" "$THREADS" "$DURATION" 10s "$AS_REQ"
A_RPS=$R_RPS A_P99=$R_P99_MS A_NON2XX=$R_NON2XX A_SOCK=$R_SOCKERR A_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" A_US=$R_SRV_US
fi

if want links; then  # (not indented: the block holds a here-document)
# 3. links GET
L_REQ="$WORK/links.requests"
write_token_requests "$L_REQ" "$K_READ" "/links"; check_first "$L_REQ" "links GET"
run_wrk links-get "$YD/" "$CONNECTIONS" "$THREADS" "$DURATION" 10s "$L_REQ"
L_RPS=$R_RPS L_P99=$R_P99_MS L_NON2XX=$R_NON2XX L_SOCK=$R_SOCKERR L_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" L_US=$R_SRV_US
fi

if want download; then  # (not indented: the block holds a here-document)
# 4. personal download-URL route (W tier)
D_REQ="$WORK/download.requests"
write_token_requests "$D_REQ" "$K_WRITE" "/download"; check_first "$D_REQ" "download route"
run_wrk download-route "$YD/" "$CONNECTIONS" "$THREADS" "$DURATION" 10s "$D_REQ"
D_RPS=$R_RPS D_P99=$R_P99_MS D_NON2XX=$R_NON2XX D_SOCK=$R_SOCKERR D_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" D_US=$R_SRV_US
fi

# 4b. PEERS=1 (bench/all.sh): the same JSON the signed app-space route answers, served by nginx as a static file and
# by WireMock standalone (Maven Central) as a canned stub, loaded the same way, for issue 19's ratios.
for f in RPS P99 NON2XX US; do printf -v "NJ_$f" '%s' 0; printf -v "WM_$f" '%s' 0; done
if [ -n "${PEERS:-}" ] && want appspace; then  # (not indented: the block holds a here-document)
mkdir -p "$WORK/peers/www" "$WORK/peers/tmp"
IFS=$'\t' read -r -a PARTS <<<"$(head -n1 "$AS_REQ")"
PH=(); for h in "${PARTS[@]:1}"; do PH+=(-H "$h"); done
curl -sS "${PH[@]}" "$YD${PARTS[0]}" >"$WORK/peers/www/info.json"
grep -q '"code":0' "$WORK/peers/www/info.json" || die "peers: the app-space answer to copy is not a success: $(head -c 300 "$WORK/peers/www/info.json")"
free_port NJ_PORT
cat >"$WORK/peers/nginx.conf" <<EOF
daemon off;
master_process on;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes auto;
pid $WORK/peers/nginx.pid;
error_log $WORK/peers/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  client_body_temp_path $WORK/peers/tmp;
  server {
    listen 127.0.0.1:$NJ_PORT;
    root $WORK/peers/www;
  }
}
EOF
"$NGINX" -p "$WORK/peers" -c "$WORK/peers/nginx.conf" >"$WORK/nginx-json.log" 2>&1 &
NJ_PID=$!; PIDS+=("$NJ_PID")
wait_200 "http://127.0.0.1:$NJ_PORT/info.json" "$NJ_PID" 20 || die "nginx (JSON) did not start: $(cat "$WORK/nginx-json.log")"
TARGET_PIDS=("$NJ_PID")
run_wrk nginx-json "http://127.0.0.1:$NJ_PORT/info.json" "$CONNECTIONS" "$THREADS" "$DURATION" 10s
NJ_RPS=$R_RPS NJ_P99=$R_P99_MS NJ_NON2XX=$R_NON2XX NJ_US=$R_SRV_US
forget_pid "$NJ_PID"

WM_JAR="$HOME/.m2/repository/org/wiremock/wiremock-standalone/$WIREMOCK_VERSION/wiremock-standalone-$WIREMOCK_VERSION.jar"
[ -f "$WM_JAR" ] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact="org.wiremock:wiremock-standalone:$WIREMOCK_VERSION" -Dtransitive=false >&2) \
  || log "WARNING: could not fetch WireMock standalone $WIREMOCK_VERSION"
if [ -f "$WM_JAR" ]; then
  free_port WM_PORT
  # no request journal: WireMock would otherwise keep every request in memory, which is not what a stub costs
  "$JAVA_HOME/bin/java" -jar "$WM_JAR" --port "$WM_PORT" --bind-address 127.0.0.1 --disable-banner --no-request-journal \
    --disable-request-logging >"$WORK/wiremock.log" 2>&1 &
  WM_PID=$!; PIDS+=("$WM_PID")
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$WM_PORT/__admin/health" && break; kill -0 "$WM_PID" 2>/dev/null || break; sleep 0.1; done
  python3 -c 'import json,sys; print(json.dumps({"request":{"method":"GET","url":"/info.json"},"response":{"status":200,"headers":{"Content-Type":"application/json"},"body":open(sys.argv[1]).read()}}))' \
    "$WORK/peers/www/info.json" | curl -sS --fail-with-body -o /dev/null -H 'Content-Type: application/json' -d @- "http://127.0.0.1:$WM_PORT/__admin/mappings" \
    || die "WireMock: the stub could not be registered: $(tail -n 5 "$WORK/wiremock.log")"
  TARGET_PIDS=("$WM_PID")
  run_wrk wiremock-stub "http://127.0.0.1:$WM_PORT/info.json" "$CONNECTIONS" "$THREADS" "$DURATION" 10s
  WM_RPS=$R_RPS WM_P99=$R_P99_MS WM_NON2XX=$R_NON2XX WM_US=$R_SRV_US
  forget_pid "$WM_PID"
fi
TARGET_PIDS=("$YD_PID")
fi

if want big; then  # (not indented: the block holds a here-document)
# 5. big file: yundoc temporary /dl/ URL vs nginx (sendfile) on the same bytes
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
BIG="$WORK/nginx/www/big.bin"
log "generating a $BIG_MIB MiB file"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$BIG"
BIG_SHA1=$(sha1sum "$BIG" | cut -d' ' -f1)
log "uploading it (personal upload)"
T_UP0=$(date +%s%N)
BODY=$(curl -sS -F "file=@$BIG;filename=big.bin" -F path_from_root=true "$API/personal/files/upload?access_token=$T0")
T_UP1=$(date +%s%N)
BIG_FT=$(json_str open_id <<<"$BODY"); [ -n "$BIG_FT" ] || die "big upload failed: $(head -c 300 <<<"$BODY")"
UPLOAD_MS=$(( (T_UP1 - T_UP0) / 1000000 ))
log "  uploaded in $UPLOAD_MS ms"

free_port NGINX_PORT
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
user root;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/www;
  }
}
EOF
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx-test.log" 2>&1 || die "nginx config test failed: $(cat "$WORK/nginx-test.log")"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
NGINX_URL="http://127.0.0.1:$NGINX_PORT/big.bin"
wait_200 "$NGINX_URL" "$NGINX_PID" 20 || die "nginx did not start: $(cat "$WORK/nginx.log")"

# Mint the temporary URL last (15 min lifetime) and check that it serves exactly the uploaded bytes.
BODY=$(curl -sS "$API/personal/files/$BIG_FT/download?access_token=$T0")
DL_URL=$(json_str url <<<"$BODY"); [ -n "$DL_URL" ] || die "download route failed for the big file: $BODY"
case "$DL_URL" in "$YD"/*) ;; *) die "unexpected download URL (not on $YD): $DL_URL" ;; esac
[ "$(curl -sS "$DL_URL" | sha1sum | cut -d' ' -f1)" = "$BIG_SHA1" ] || die "the /dl/ URL does not serve the uploaded bytes"
[ "$(curl -sS "$NGINX_URL" | sha1sum | cut -d' ' -f1)" = "$BIG_SHA1" ] || die "nginx does not serve the file"

run_wrk big-yundoc-dl "$DL_URL" "$BIG_CONNECTIONS" "$BIG_THREADS" "$BIG_DURATION" 120s
Y_BPS=$R_BYTES_PER_S Y_TRANSFER=$R_TRANSFER Y_REQ=$R_REQUESTS Y_NON2XX=$R_NON2XX Y_P99=$R_P99_MS Y_SOCK=$R_SOCKERR Y_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" Y_SGB=$R_SRV_S_PER_GB
TARGET_PIDS=("$NGINX_PID")
run_wrk big-nginx "$NGINX_URL" "$BIG_CONNECTIONS" "$BIG_THREADS" "$BIG_DURATION" 120s
N_BPS=$R_BYTES_PER_S N_TRANSFER=$R_TRANSFER N_REQ=$R_REQUESTS N_NON2XX=$R_NON2XX N_P99=$R_P99_MS N_SOCK=$R_SOCKERR N_CPU="$R_SRV_PCT / $R_WRK_PCT / $R_OTHER_PCT / $R_IRQ_PCT" N_SGB=$R_SRV_S_PER_GB
fi

# ---------------------------------------------------------------- verdicts and report
verdict() {  # verdict CONDITION_OK NON2XX
  if [ "${2:-0}" != 0 ]; then echo "MISS (non-2xx)"; elif [ "$1" = 1 ]; then echo PASS; else echo MISS; fi
}
okif() { if "$@"; then echo 1; else echo 0; fi; }
A_RATIO=$(ratio "$A_RPS" "$B_RPS"); L_RATIO=$(ratio "$L_RPS" "$B_RPS"); D_RATIO=$(ratio "$D_RPS" "$B_RPS")
Y_MBS=$(awk -v b="$Y_BPS" 'BEGIN { printf "%.1f", b / 1e6 }'); N_MBS=$(awk -v b="$N_BPS" 'BEGIN { printf "%.1f", b / 1e6 }')
BIG_RATIO=$(ratio "$Y_BPS" "$N_BPS")
A_CRATIO=$(ratio "$B_US" "$A_US"); L_CRATIO=$(ratio "$B_US" "$L_US"); D_CRATIO=$(ratio "$B_US" "$D_US")
A_OK=0; if ge "$A_RATIO" 0.35 && le "$A_P99" 20; then A_OK=1; fi
V_A=$(verdict "$A_OK" "$A_NON2XX")
V_L=$(verdict "$(okif ge "$L_RATIO" 0.35)" "$L_NON2XX")
V_D=$(verdict "$(okif ge "$D_RATIO" 0.30)" "$D_NON2XX")
V_BIG=$(verdict "$(okif ge "$BIG_RATIO" 0.60)" "$Y_NON2XX")
V_S=$(verdict "$(okif le "$STARTUP_MEDIAN" 1999)" 0)
want appspace || V_A="not run"; want links || V_L="not run"; want download || V_D="not run"; want big || V_BIG="not run"

REPORT="$OUT/latest.md"
{
  echo "# yundoc bench: latest run"
  echo
  echo "- date: $RUN_DATE"
  echo "- machine: $NPROC CPU(s), $CPU_MODEL; wrk and the servers share the cores"
  echo "- JDK: $JDK_VERSION ($JDK_RUNTIME)"
  echo "- tools: $WRK_VERSION, $NGINX_VERSION"
  echo "- yundoc: git $YD_GIT (+$YD_DIRTY uncommitted paths under yundoc-*), started with --dev on a fresh SQLite data dir"
  echo "- settings: ${DURATION}s per run after a ${WARMUP}s warm-up, $CONNECTIONS connections, $THREADS wrk threads; big file: $BIG_MIB MiB, $BIG_CONNECTIONS connections, ${BIG_DURATION}s"
  echo "- quota handling: $K_READ formal app(s) rotated on the read routes, $K_WRITE on the download route (sized from the baseline rate)"
  echo
  echo "| Route | req/s | p99 (ms) | vs baseline | Non-2xx or 3xx | Target | Result | server CPU µs/req | CPU-normalised ratio | CPU % server / wrk / other / irq |"
  echo "|---|---:|---:|---:|---:|---|---|---:|---:|---|"
  echo "| baseline: bare Helidon GET /hello | $B_RPS | $B_P99 | 1.00 | $B_NON2XX | — | — | $B_US | 1.00 | $B_CPU |"
  echo "| GET /appspace/files/:ft (WPS-2 signed) | $A_RPS | $A_P99 | $A_RATIO | $A_NON2XX | ≥ 0.35 and p99 ≤ 20 ms | $V_A | $A_US | $A_CRATIO | $A_CPU |"
  echo "| GET /personal/files/:ft/links | $L_RPS | $L_P99 | $L_RATIO | $L_NON2XX | ≥ 0.35 | $V_L | $L_US | $L_CRATIO | $L_CPU |"
  echo "| GET /personal/files/:ft/download | $D_RPS | $D_P99 | $D_RATIO | $D_NON2XX | ≥ 0.30 | $V_D | $D_US | $D_CRATIO | $D_CPU |"
  echo
  echo "| $BIG_MIB MiB blob | MB/s (10^6 B/s) | wrk Transfer/sec | responses | Non-2xx or 3xx | Target | Result | server CPU s per 10^9 B | CPU % server / wrk / other / irq |"
  echo "|---|---:|---:|---:|---:|---|---|---:|---|"
  echo "| yundoc temporary /dl/ URL | $Y_MBS | $Y_TRANSFER | $Y_REQ | $Y_NON2XX | ≥ 0.60 × nginx | $V_BIG (ratio $BIG_RATIO) | $Y_SGB | $Y_CPU |"
  echo "| nginx, sendfile on | $N_MBS | $N_TRANSFER | $N_REQ | $N_NON2XX | — | — | $N_SGB | $N_CPU |"
  echo
  echo "| Start-up to healthy | ms | Target | Result |"
  echo "|---|---:|---|---|"
  echo "| median of $STARTUP_RUNS launches ($STARTUP_LIST ms; $STARTUP_NOTE; other processes during each: $STARTUP_OTHER_LIST % of the machine) | $STARTUP_MEDIAN | < 2000 ms | $V_S |"
  echo
  echo "Server CPU µs/req is the server process's user+system CPU time over the measured run divided by the requests completed; the CPU-normalised ratio is baseline µs/req ÷ route µs/req, the throughput ratio to expect when the server is the bottleneck. Unlike req/s, both hold up when other work shares the machine."
  echo
  echo "CPU columns: share of all $NPROC cores during the measured run, from /proc: the server process, wrk, everything else (all busy time, steal included, minus those two; it includes ksoftirqd), and irq/softirq time (mostly the loopback traffic itself; the kernel also charges it to the task it interrupts, so this column overlaps the others). A large 'other' means someone else's work disturbed that run."
  echo
  echo "Socket errors (wrk): appspace ${A_SOCK:-none}; links ${L_SOCK:-none}; download ${D_SOCK:-none}; big yundoc ${Y_SOCK:-none}; big nginx ${N_SOCK:-none}."
  echo "The 256 MiB upload itself took $UPLOAD_MS ms. Raw wrk output: bench/out/raw/."
} >"$REPORT"

echo
F='%-44s %10s %9s %6s %8s  %-14s %7s %6s  %s\n'
printf "$F" "route" "req/s" "p99 ms" "ratio" "non-2xx" "result" "cpu us" "c-rat" "cpu% srv/wrk/oth/irq"
printf "$F" "baseline GET /hello" "$B_RPS" "$B_P99" "1.00" "$B_NON2XX" "-" "$B_US" "1.00" "$B_CPU"
printf "$F" "appspace file info (WPS-2) >=0.35, p99<=20" "$A_RPS" "$A_P99" "$A_RATIO" "$A_NON2XX" "$V_A" "$A_US" "$A_CRATIO" "$A_CPU"
printf "$F" "personal links GET >=0.35" "$L_RPS" "$L_P99" "$L_RATIO" "$L_NON2XX" "$V_L" "$L_US" "$L_CRATIO" "$L_CPU"
printf "$F" "personal download route >=0.30" "$D_RPS" "$D_P99" "$D_RATIO" "$D_NON2XX" "$V_D" "$D_US" "$D_CRATIO" "$D_CPU"
echo "  (cpu us = server CPU per request; c-rat = CPU-normalised ratio to the baseline)"
echo
printf '%-44s %12s %12s %6s  %s\n' "$BIG_MIB MiB blob ($BIG_CONNECTIONS conns)" "yundoc MB/s" "nginx MB/s" "ratio" "result"
printf '%-44s %12s %12s %6s  %s\n' "temp /dl/ URL vs nginx sendfile >=0.60" "$Y_MBS" "$N_MBS" "$BIG_RATIO" "$V_BIG"
printf '%-44s %12s %12s\n' "  non-2xx (yundoc / nginx)" "$Y_NON2XX" "$N_NON2XX"
printf '%-44s %12s %12s\n' "  server CPU s per 10^9 bytes" "$Y_SGB" "$N_SGB"
printf '%-44s %18s %18s\n' "  cpu% srv/wrk/other/irq" "$Y_CPU" "$N_CPU"
echo
printf '%-44s %12s  %s\n' "start-up to healthy (<2000 ms), median" "$STARTUP_MEDIAN ms" "$V_S  (runs: $STARTUP_LIST ms; other load: $STARTUP_OTHER_LIST %)"
echo
echo "markdown: $REPORT"
# every figure as KEY=value, for bench/all.sh
{
  for v in B_RPS B_P99 B_US A_RPS A_P99 A_NON2XX A_US L_RPS L_P99 L_NON2XX L_US D_RPS D_P99 D_NON2XX D_US \
           NJ_RPS NJ_P99 NJ_NON2XX NJ_US WM_RPS WM_P99 WM_NON2XX WM_US STARTUP_MEDIAN STARTUP_LIST; do
    printf '%s=%q\n' "$v" "${!v}"
  done
  printf 'JDK_VERSION=%q\nRUN_DATE=%q\nYD_GIT=%q\n' "$JDK_VERSION" "$RUN_DATE" "$YD_GIT"
} >"$OUT/latest.env"
