#!/usr/bin/env bash
# bench/soak.sh: a long run of mixed reads, writes and uploads at a bounded rate against one yundoc (embedded
# mode, fresh data dir, 127.0.0.1 only), judged on three things (issue 13):
#   RSS flat within 10 % after the warm-up, no errors, no leaked files.
# See bench/README.md ("Soak"). Bounded in time; everything it starts is stopped on exit.
# Knobs (env): DURATION (default 30m; s/m/h suffix), WARMUP (default 5m, at most a third of DURATION),
# RATE (requests/s over all connections, default 100), CONNECTIONS (4; one wrk thread each), SAMPLE (RSS sample
# period in s, default 10), RSS_TOLERANCE (percent, default 10), YUNDOC_SERVE_ARGS, YUNDOC_JAVA_OPTS.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
. "$ROOT/bin/_jdk.sh"

secs() {  # 90, 90s, 30m, 1h -> seconds
  local v=$1 n
  case "$v" in
    *h) n=${v%h}; [[ "$n" =~ ^[0-9]+$ ]] && { echo $((n * 3600)); return; } ;;
    *m) n=${v%m}; [[ "$n" =~ ^[0-9]+$ ]] && { echo $((n * 60)); return; } ;;
    *s) n=${v%s}; [[ "$n" =~ ^[0-9]+$ ]] && { echo "$n"; return; } ;;
    *) [[ "$v" =~ ^[0-9]+$ ]] && { echo "$v"; return; } ;;
  esac
  echo "soak: '$v' is not a duration (e.g. 90s, 30m, 1h)" >&2; exit 2
}
DURATION=$(secs "${DURATION:-30m}")
WARMUP=$(secs "${WARMUP:-5m}")
[ "$WARMUP" -le $((DURATION / 3)) ] || WARMUP=$((DURATION / 3))
RATE=${RATE:-100}
CONNECTIONS=${CONNECTIONS:-4}
SAMPLE=$(secs "${SAMPLE:-10}")
RSS_TOLERANCE=${RSS_TOLERANCE:-10}
[ "$DURATION" -ge 60 ] || { echo "soak: DURATION must be at least 60 s" >&2; exit 2; }
[ "$DURATION" -le 86400 ] || { echo "soak: DURATION is capped at 24 h" >&2; exit 2; }
[[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -ge 1 ] && [ "$RATE" -le 5000 ] || { echo "soak: RATE must be 1..5000" >&2; exit 2; }
DELAY_MS=$(( CONNECTIONS * 1000 / RATE ))

OUT="$BENCH/out/soak"
mkdir -p "$OUT"
log() { echo "[soak $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v wrk >/dev/null 2>&1 || { log "installing wrk"; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
for t in curl awk sed; do command -v "$t" >/dev/null 2>&1 || die "needs $t"; done

WORK=$(mktemp -d /tmp/yundoc-soak.XXXXXX)
PIDS=()
stop_pid() {  # TERM, up to 10 s, then KILL; only processes this script started
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? pid
  trap - EXIT
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  [ -f "$WORK/yundoc.log" ] && cp "$WORK/yundoc.log" "$OUT/yundoc.log"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p i
  for i in $(seq 1 500); do
    p=$((20000 + RANDOM % 12000))  # below Linux's ephemeral range (32768-): a load's TIME_WAIT sockets cannot hold it
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# ---------------------------------------------------------------- build and start
YD_JAR="$ROOT/yundoc-cli/target/yundoc-cli.jar"
log "building yundoc if needed (bin/yundoc --version)"
"$ROOT/bin/yundoc" --version >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
mkdir -p "$WORK/app/lib"
cp "$YD_JAR" "$WORK/app/"; cp "$ROOT"/yundoc-cli/target/lib/*.jar "$WORK/app/lib/"   # a rebuild mid-run changes nothing
YD_GIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
PORT=$(free_port)
DATA="$WORK/data"
ADMIN_TOKEN="soak-$(head -c 16 /dev/urandom | md5sum | cut -c1-24)"
# --download-ttl 1d: the one /dl/ URL minted below stays valid for the whole run
YUNDOC_ADMIN_TOKEN="$ADMIN_TOKEN" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${YUNDOC_JAVA_OPTS:-} \
  -cp "$WORK/app/yundoc-cli.jar:$WORK/app/lib/*" io.yundoc.cli.Main \
  serve --data "$DATA" --port "$PORT" --download-ttl 1d ${YUNDOC_SERVE_ARGS:-} >"$WORK/yundoc.log" 2>&1 &
YD_PID=$!; PIDS+=("$YD_PID")
YD="http://127.0.0.1:$PORT"
for i in $(seq 1 600); do
  kill -0 "$YD_PID" 2>/dev/null || { cat "$WORK/yundoc.log" >&2; die "yundoc exited"; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$YD/health" || true)" = 200 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$YD/health" || true)" = 200 ] || die "yundoc did not become healthy"

# ---------------------------------------------------------------- set-up through the admin API
json_str() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n1; }
admin_post() {
  curl -sS --fail-with-body -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -X POST "$YD/admin/v1/$1" -d "$2" || die "admin POST $1 failed"
}
SCOPES='["user_basic","access_personal_files","download_personal_files","create_personal_files","edit_personal_files","modify_personal_files","remove_personal_files","clone_personal_files"]'
APP_ID=$(admin_post apps '{"name":"soak","tier":"formal","redirect_uris":[]}' | json_str app_id)
USER_ID=$(admin_post users '{"name":"soak","password":"soak-password-1"}' | json_str user_id)
TOKEN=$(admin_post tokens "{\"app_id\":\"$APP_ID\",\"user_id\":\"$USER_ID\",\"scopes\":$SCOPES}" | json_str access_token)
[ -n "$TOKEN" ] || die "could not issue a token"
API="$YD/api/v1/openapi/personal"
head -c 65536 /dev/urandom >"$WORK/soak.txt"
BODY=$(curl -sS -F "file=@$WORK/soak.txt" -F path_from_root=true "$API/files/upload?access_token=$TOKEN")
FILE=$(json_str open_id <<<"$BODY"); [ -n "$FILE" ] || die "upload failed: $BODY"
curl -sS -X POST "$API/files/$FILE/links?access_token=$TOKEN" -d '{"range":"anyone","permission":"read"}' | grep -q '"code":0' \
  || die "link creation failed"
DL_URL=$(curl -sS "$API/files/$FILE/download?access_token=$TOKEN" | json_str url)
DL_PATH="/${DL_URL#http://*/}"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$YD$DL_PATH")" = 200 ] || die "the /dl/ URL does not answer 200: $DL_URL"

# ---------------------------------------------------------------- samplers
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
temp_files() {  # files in the data dir's temporary places: blobs/tmp (local blobs) and spool (S3 mode); paths
  # relative to the data dir, which itself lives under /tmp
  find "$DATA" -type f -printf '%P %s bytes, modified %TT\n' 2>/dev/null | grep -E '^([^ ]*/)?(tmp|spool)/' || true
}
leftovers() {
  temp_files | wc -l
}
SAMPLES="$OUT/rss.csv"
echo "elapsed_s,rss_kib,fds" >"$SAMPLES"
T0=$(date +%s)
(
  while kill -0 "$YD_PID" 2>/dev/null; do
    echo "$(( $(date +%s) - T0 )),$(rss_kib "$YD_PID"),$(fds "$YD_PID")" >>"$SAMPLES"
    sleep "$SAMPLE"
  done
) &
SAMPLER_PID=$!; PIDS+=("$SAMPLER_PID")

# ---------------------------------------------------------------- the load
log "yundoc $YD_GIT on $YD; ${DURATION}s of mixed traffic at most $RATE req/s over $CONNECTIONS connections (warm-up ${WARMUP}s)"
SOAK_TOKEN="$TOKEN" SOAK_FILE="$FILE" SOAK_DL="$DL_PATH" SOAK_DELAY_MS="$DELAY_MS" \
  wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s "$BENCH/lua/soak.lua" "$YD/" \
  >"$OUT/wrk.txt" 2>"$OUT/wrk.err" || die "wrk failed: $(tail -n 5 "$OUT/wrk.err")"
T_END=$(( $(date +%s) - T0 ))
HEALTH=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$YD/health" || true)
# in-flight work may still be closing its temp files: wait up to 10 s for them to go
LEFT=$(leftovers); for i in $(seq 1 100); do [ "$LEFT" = 0 ] && break; sleep 0.1; LEFT=$(leftovers); done
temp_files >"$OUT/leftovers.txt"
SEVERE=$(grep -c -E 'SEVERE|Exception' "$WORK/yundoc.log" || true)
stop_pid "$SAMPLER_PID"

# ---------------------------------------------------------------- verdict
SUMMARY=$(grep '^SOAK requests=' "$OUT/wrk.txt" || true)
[ -n "$SUMMARY" ] || die "wrk printed no summary (Lua error?): $(head -n 5 "$OUT/wrk.txt" "$OUT/wrk.err")"
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<" $SUMMARY"; }
REQS=$(field requests); NON2XX=$(field non2xx); FAILED=$(field failed)
SOCKERR=$(( $(field connect) + $(field read) + $(field write) + $(field timeout) ))
BYKIND=$(sed -n 's/^SOAK failed\/sent by kind: //p' "$OUT/wrk.txt")
ACHIEVED=$(awk -v n="$REQS" -v d="$DURATION" 'BEGIN { printf "%.1f", n / d }')
P99_MS=$(awk -v u="$(field p99_us)" 'BEGIN { printf "%.1f", u / 1000 }')
# RSS after the warm-up: median of the first fifth against median of the last fifth of the samples
read -r RSS_N RSS_FIRST RSS_LAST RSS_MIN RSS_MAX FD_FIRST FD_LAST < <(awk -F, -v w="$WARMUP" '
  NR > 1 && $1 >= w && $2 > 0 { n++; r[n] = $2; f[n] = $3 }
  function median(lo, hi,   i, j, k, a, t, m) { m = 0; for (i = lo; i <= hi; i++) a[++m] = r[i]
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return a[int((m + 1) / 2)] }
  END { if (n < 5) { print n, 0, 0, 0, 0, 0, 0; exit }
        k = int(n / 5); mn = r[1]; mx = r[1]; for (i = 1; i <= n; i++) { if (r[i] < mn) mn = r[i]; if (r[i] > mx) mx = r[i] }
        print n, median(1, k), median(n - k + 1, n), mn, mx, f[1], f[n] }' "$SAMPLES")
RSS_DRIFT=$(awk -v a="$RSS_FIRST" -v b="$RSS_LAST" 'BEGIN { if (a > 0) printf "%.1f", (b - a) * 100 / a; else print "n/a" }')
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

V_RSS=MISS; if [ "$RSS_N" -ge 5 ] && awk -v d="$RSS_DRIFT" -v t="$RSS_TOLERANCE" 'BEGIN { exit !(d <= t && d >= -t) }'; then V_RSS=PASS; fi
V_ERR=MISS; if [ "$NON2XX" = 0 ] && [ "$FAILED" = 0 ] && [ "$SOCKERR" = 0 ] && [ "$SEVERE" = 0 ] && [ "$HEALTH" = 200 ]; then V_ERR=PASS; fi
V_LEAK=MISS; [ "$LEFT" = 0 ] && V_LEAK=PASS

REPORT="$OUT/latest.md"
{
  echo "# yundoc soak: latest run"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); yundoc git $YD_GIT; $(nproc) CPU(s), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "- load: ${DURATION}s (warm-up ${WARMUP}s), at most $RATE req/s over $CONNECTIONS connections; achieved $ACHIEVED req/s, $REQS requests, p99 $P99_MS ms"
  echo "- mix per connection, every 10 requests: 3 folder listings, 2 link reads, 2 /dl/ downloads (64 KiB), 1 download answer, 1 rename, 1 upload (16 KiB), and a delete of each upload"
  echo
  echo "| Check | Measured | Target | Result |"
  echo "|---|---|---|---|"
  echo "| RSS after warm-up | $(mib "$RSS_FIRST") MiB → $(mib "$RSS_LAST") MiB (median of first and last fifth of $RSS_N samples, ${RSS_DRIFT} %); min $(mib "$RSS_MIN"), max $(mib "$RSS_MAX") MiB | within ±$RSS_TOLERANCE % | $V_RSS |"
  echo "| errors | non-2xx $NON2XX, non-zero code $FAILED, socket errors $SOCKERR, SEVERE/Exception log lines $SEVERE, /health at the end $HEALTH | none | $V_ERR |"
  echo "| leaked files | $LEFT files in tmp/ or spool/ of the data dir after the load | 0 | $V_LEAK |"
  echo
  [ "$LEFT" = 0 ] || { echo "Left over (bench/out/soak/leftovers.txt; the load ended at $(date -u -d "@$((T0 + T_END))" '+%H:%M:%S') UTC):"; echo; sed 's/^/    /' "$OUT/leftovers.txt" | head -n 20; echo; }
  echo "Failed/sent by kind: $BYKIND. Open file descriptors after warm-up → end: $FD_FIRST → $FD_LAST."
  echo "RSS samples every ${SAMPLE}s: bench/out/soak/rss.csv; wrk output: bench/out/soak/wrk.txt; server log: bench/out/soak/yundoc.log."
} >"$REPORT"
cat "$REPORT"
[ "$V_RSS$V_ERR$V_LEAK" = PASSPASSPASS ] || exit 1
