#!/usr/bin/env bash
# Scale-out benchmark: two yundoc instances behind nginx (round-robin) on this machine's PostgreSQL and Redis and an
# Adobe S3Mock; wrk at 64 connections per route; a JFR profile of instance 1 summarised by top frames.
# Not a test: prints a Markdown table and writes the raw outputs to bench/out-scaleout/.
#
#   bench/scaleout.sh [duration, default 30s] [connections, default 64]
#   ONLY=appspace,download,dl,health runs a subset of the routes (default: all four)
#   REDIS_FLUSH=auto|batched|combined runs the instances with --quota redis://...&flush=... (default: the server's,
#            combined: metered calls that queue while one is on its way go to Redis together in one script call)
#   INSTANCE_CPUS=N the CPUs each instance sizes itself for (-XX:ActiveProcessorCount; default: half the machine's,
#            at least 1), as a container's CPU limit would: two instances on one box each get their share
#   NO_BUILD=1 measures the jars as built (no mvn package first)
#   WARMUP=30s sets the warm-up load before each measured run (default 20s)
#   INSTANCE_JAVA_OPTS adds JVM flags to both instances (e.g. -Xlog:gc:file=/tmp/gc-%p.log)
#   THREAD_CPU=1 prints instance 1's busiest threads (CPU ticks by thread name, /proc/PID/task) of each measured run
#   WRITES=N adds N writes per second (the app's name, through the admin API) during each measured run: every write
#            moves the row cache's generation on, so this shows what writes cost the cached read path
#
# Needs: wrk, nginx, curl, psql, redis-cli, sha1sum/md5sum, a running PostgreSQL (127.0.0.1:5432, database test,
# trust auth) and Redis (127.0.0.1:6379). Everything it creates (schema, key prefix, processes) is removed at the end.
set -euo pipefail
for c in wrk nginx curl psql redis-cli python3 sha1sum; do
  command -v "$c" >/dev/null || { echo "bench/scaleout.sh needs $c on the PATH (Debian: apt-get install wrk nginx curl postgresql-client redis-tools)" >&2; exit 1; }
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/_jdk.sh"
DURATION="${1:-30s}"
CONNS="${2:-64}"
WARMUP="${WARMUP:-20s}"   # wrk's warm-up before each measured run: 20 s as bench/run.sh's embedded runs (10 s left the
                          # instances' JIT compiler threads busy through the measured run; docs/benchmarks.md)
OUT="$ROOT/bench/out-scaleout"
RUN="bench_$(date +%s)_$$"
SCHEMA="yd_${RUN}"
ADMIN_TOKEN="bench-admin-$RUN"
PG_BASE="${YUNDOC_BENCH_PG:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
REDIS="${YUNDOC_BENCH_REDIS:-redis://127.0.0.1:6379}"
rm -rf "$OUT"; mkdir -p "$OUT"
PIDS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 600); do curl -sS --fail-with-body -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "timeout waiting for $1" >&2; return 1; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  redis-cli --scan --pattern "$SCHEMA:*" 2>/dev/null | xargs -r redis-cli del >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ -z "${NO_BUILD:-}" ]; then
  echo "building..." >&2
  (cd "$ROOT" && mvn -B -q package -pl yundoc-cli -am -DskipTests >/dev/null)
fi
# the start-up cache bin/yundoc trains once per build (about 25 s), before any instance starts
"$ROOT/bin/yundoc" --version >/dev/null

# S3Mock from Maven Central (fetched by the test build into ~/.m2)
S3JAR="$HOME/.m2/repository/com/adobe/testing/s3mock/4.4.0/s3mock-4.4.0-exec.jar"
[ -f "$S3JAR" ] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=com.adobe.testing:s3mock:4.4.0:jar:exec -Dtransitive=false >/dev/null)
S3PORT=$(free_port); S3TLS=$(free_port)
java -Xmx512m -jar "$S3JAR" --server.port=$S3TLS --com.adobe.testing.s3mock.httpPort=$S3PORT \
  --spring.main.banner-mode=off --logging.level.root=WARN >"$OUT/s3mock.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$S3PORT/"
BUCKET="yd-$(echo "$RUN" | tr '_' '-')"
curl -sS --fail-with-body -X PUT "http://127.0.0.1:$S3PORT/$BUCKET" >/dev/null

DB="$PG_BASE&currentSchema=$SCHEMA"
BLOBS="s3://$BUCKET?endpoint=http://127.0.0.1:$S3PORT&region=us-east-1&access_key=bench&secret_key=bench"
QUOTA="$REDIS?prefix=$SCHEMA:${REDIS_FLUSH:+&flush=$REDIS_FLUSH}"
NGINX_PORT=$(free_port)
INSTANCE_CPUS="${INSTANCE_CPUS:-$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))}"
PORTS=()
for i in 1 2; do
  P=$(free_port); PORTS+=($P)
  # as an operator starts them: bin/yundoc, with its ahead-of-time cache on JDK 25 (YUNDOC_NO_AOT=1: without)
  YUNDOC_ADMIN_TOKEN="$ADMIN_TOKEN" YUNDOC_JAVA_OPTS="-Xms512m -Xmx512m -XX:ActiveProcessorCount=$INSTANCE_CPUS ${INSTANCE_JAVA_OPTS:-}" "$ROOT/bin/yundoc" serve --port "$P" \
    --data "$OUT/data-$i" --public-url "http://127.0.0.1:$NGINX_PORT" --db "$DB" --blobs "$BLOBS" --quota "$QUOTA" \
    >"$OUT/yundoc-$i.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$P/health"   # the first one migrates the schema before the second starts
done

mkdir -p "$OUT/nginx"
cat >"$OUT/nginx/nginx.conf" <<EOF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
daemon off;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx/body; proxy_temp_path $OUT/nginx/proxy; fastcgi_temp_path $OUT/nginx/fcgi;
  uwsgi_temp_path $OUT/nginx/uwsgi; scgi_temp_path $OUT/nginx/scgi;
  upstream yundoc { server 127.0.0.1:${PORTS[0]}; server 127.0.0.1:${PORTS[1]}; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 0;
    location / {
      proxy_pass http://yundoc; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$http_host;
      proxy_request_buffering off; proxy_buffering off;
    }
  }
}
EOF
nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" >"$OUT/nginx/out.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT/health"
B="http://127.0.0.1:$NGINX_PORT"
AUTH="Authorization: Bearer $ADMIN_TOKEN"
J="Content-Type: application/json"

APP=$(curl -sS --fail-with-body -H "$AUTH" -H "$J" -d '{"name":"bench","tier":"formal","redirect_uris":["http://127.0.0.1/cb"]}' "$B/admin/v1/apps")
APP_ID=$(echo "$APP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["app_id"])')
APP_KEY=$(echo "$APP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["app_key"])')
for EP in "GET /api/v1/openapi/appspace/files/:file_token" "GET /api/v1/openapi/personal/files/:file_token/download"; do
  curl -sS --fail-with-body -X PUT -H "$AUTH" -H "$J" -d "{\"app_id\":\"$APP_ID\",\"endpoint\":\"$EP\",\"limit\":\"unlimited\"}" "$B/admin/v1/quota" >/dev/null
done
USER_ID=$(curl -sS --fail-with-body -H "$AUTH" -H "$J" -d '{"name":"bench-user","password":"password-123"}' "$B/admin/v1/users" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["user_id"])')
TOKEN=$(curl -sS --fail-with-body -H "$AUTH" -H "$J" -d "{\"app_id\":\"$APP_ID\",\"user_id\":\"$USER_ID\",\"scopes\":[\"download_personal_files\",\"create_personal_files\"]}" \
  "$B/admin/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')

# WPS-2: sha1(app_key + Content-Md5 + Content-Type + Date); a GET signature stays valid for the whole run
sign() { printf '%s' "$APP_KEY$1$2$3" | sha1sum | cut -d' ' -f1; }
BODY='{"filename":"bench.docx"}'
MD5=$(printf '%s' "$BODY" | md5sum | cut -d' ' -f1); DATE=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
FILE_TOKEN=$(curl -sS --fail-with-body -H "Content-Type: application/json" -H "Content-Md5: $MD5" -H "Date: $DATE" \
  -H "Authorization: WPS-2:$APP_ID:$(sign "$MD5" application/json "$DATE")" -d "$BODY" "$B/api/v1/openapi/appspace/files" \
  | tee "$OUT/create.json" | python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d.get("file_token") or d["id"])') \
  || { echo "app-space create failed: $(cat "$OUT/create.json")" >&2; exit 1; }
GMD5=$(printf '' | md5sum | cut -d' ' -f1)
GDATE=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
GSIG="WPS-2:$APP_ID:$(sign "$GMD5" application/json "$GDATE")"

head -c 4096 /dev/urandom >"$OUT/4k.bin"
PFT=$(curl -sS --fail-with-body -F path_from_root=true -F "file=@$OUT/4k.bin;filename=4k.bin" "$B/api/v1/openapi/personal/files/upload?access_token=$TOKEN" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"]["open_id"])')
DL_URL=$(curl -sS --fail-with-body "$B/api/v1/openapi/personal/files/$PFT/download?access_token=$TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["url"])')

INSTANCE1=${PIDS[1]}
INSTANCES="${PIDS[1]} ${PIDS[2]}"
PROFILE_ROUTE=1
# CPU ticks (user + system) of processes, summed; children that exited are not counted
ticks() { local t=0 p v; for p in "$@"; do v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null); t=$((t + ${v:-0})); done; echo "$t"; }  # a process may end between listing and reading
group_pids() { # name: the processes of one part of the path
  case "$1" in
    yundoc) echo "$INSTANCES" ;;
    nginx) local m; m=$(cat "$OUT/nginx/nginx.pid" 2>/dev/null); [ -n "$m" ] && echo "$m $(pgrep -P "$m" | tr '\n' ' ')" ;;
    redis) pgrep -x redis-server | tr '\n' ' ' ;;
    postgres) pgrep -x postgres | tr '\n' ' ' ;;
  esac
}
writer() { # $WRITES cheap writes per second from one Python process (the app's name, through the admin API: one
           # UPDATE of the very row every signed call reads); one status line per write
  APP_ID="$APP_ID" ADMIN_TOKEN="$ADMIN_TOKEN" B="$B" WRITES="$WRITES" exec python3 -u -c '
import http.client, os, time, urllib.parse
app, token, rate = os.environ["APP_ID"], os.environ["ADMIN_TOKEN"], float(os.environ["WRITES"])
u = urllib.parse.urlsplit(os.environ["B"])
conn = http.client.HTTPConnection(u.hostname, u.port)
i, start = 0, time.monotonic()
while True:
    i += 1
    conn.request("PATCH", "/admin/v1/apps/" + app, ("{\"name\":\"bench-%d\"}" % i).encode(),
                 {"Content-Type": "application/json", "Authorization": "Bearer " + token})
    r = conn.getresponse(); r.read()
    print(r.status, flush=True)
    time.sleep(max(0.0, start + i / rate - time.monotonic()))
' >>"$OUT/writes.txt" 2>/dev/null
}
thread_ticks() { # PID: "tid<TAB>name, digits folded to #<TAB>ticks" per thread (a thread's name is in parentheses)
  local t
  for t in /proc/"$1"/task/*/stat; do
    awk '{ s = $0; sub(/^[0-9]+ \(/, "", s); n = s; sub(/\) .*$/, "", n); sub(/^.*\) /, "", s); split(s, f, " ");
           gsub(/[0-9]+/, "#", n); printf "%s\t%s\t%d\n", $1, n, f[12] + f[13] }' "$t" 2>/dev/null || true
  done
}
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
run() { # name, then wrk args. Measured without a profiler; the first route is then profiled (JFR, instance 1) in a
        # run of its own, so the profiler's cost never shows in the table
  local name="$1"; shift
  local file; file=$(echo "$name" | tr -c 'A-Za-z0-9\n' '-' | cut -c1-40)
  curl -sS --fail-with-body -o /dev/null "$@" 2>/dev/null || true
  wrk -t2 -c"$CONNS" -d"$WARMUP" "$@" >/dev/null 2>&1 || true     # warm-up (JIT, pools)
  local g before=() after=() b0 b1
  local groups=(yundoc nginx redis postgres)
  for g in "${groups[@]}"; do before+=("$(ticks $(group_pids "$g"))"); done
  local writer_pid=""
  if [ -n "${WRITES:-}" ]; then : >"$OUT/writes.txt"; writer & writer_pid=$!; fi
  [ -z "${THREAD_CPU:-}" ] || thread_ticks "$INSTANCE1" >"$OUT/threads-before.txt"
  b0=$(busy_ticks)
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$@" >"$OUT/wrk-$file.txt" 2>&1 &
  local wrk_pid=$!
  local wrk_ticks=0
  while kill -0 "$wrk_pid" 2>/dev/null; do wrk_ticks=$(ticks "$wrk_pid"); sleep 0.5; done
  wait "$wrk_pid" || true
  b1=$(busy_ticks)
  if [ -n "${THREAD_CPU:-}" ]; then
    thread_ticks "$INSTANCE1" >"$OUT/threads-after.txt"
    echo "$name: instance 1 CPU ticks by thread name (user+system, during the measured run):" >>"$OUT/cpu-split.txt"
    awk -F'\t' 'NR == FNR { b[$1] = $3; next } { d = $3 - b[$1]; if (d > 0) t[$2] += d }
      END { for (n in t) printf "  %6d  %s\n", t[n], n }' "$OUT/threads-before.txt" "$OUT/threads-after.txt" \
      | sort -rn | head -n 15 >>"$OUT/cpu-split.txt"
  fi
  if [ -n "$writer_pid" ]; then
    kill "$writer_pid" 2>/dev/null; wait "$writer_pid" 2>/dev/null || true
    local wrote failed
    wrote=$(grep -c '^200$' "$OUT/writes.txt" || true); failed=$(grep -vc '^200$' "$OUT/writes.txt" || true)
    name="$name, with $wrote writes ($failed failed) beside it"
  fi
  for g in "${groups[@]}"; do after+=("$(ticks $(group_pids "$g"))"); done
  local total=$(( (b1 - b0) > 0 ? (b1 - b0) : 1 )) split="" i
  for i in "${!groups[@]}"; do split+="${groups[$i]} $(( 100 * (after[$i] - before[$i]) / total ))%, "; done
  split+="wrk ≥$(( 100 * wrk_ticks / total ))%"
  echo "$name: CPU busy time by process ($total ticks): $split" >>"$OUT/cpu-split.txt"
  if [ "$PROFILE_ROUTE" = 1 ]; then
    jcmd "$INSTANCE1" JFR.start name=route settings=profile >/dev/null
    wrk -t2 -c"$CONNS" -d10s "$@" >/dev/null 2>&1 || true
    jcmd "$INSTANCE1" JFR.stop name=route filename="$OUT/instance1.jfr" >/dev/null
    PROFILE_ROUTE=0
  fi
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$file.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/wrk-$file.txt")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' "$OUT/wrk-$file.txt" | tr '\n' ' ')
  printf '| %s | %s | %s | %s |\n' "$name" "$rps" "$p99" "${errs:-none}"
}

echo "| route (through nginx, $CONNS connections, $DURATION) | req/s | p99 | errors |"
echo "|---|---|---|---|"
want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }
want appspace && run "signed app-space file info (WPS-2, metered in Redis)" -H "Date: $GDATE" -H "Content-Md5: $GMD5" -H "Content-Type: application/json" \
  -H "Authorization: $GSIG" "$B/api/v1/openapi/appspace/files/$FILE_TOKEN"
want download && run "personal download answer (token, metered in Redis)" "$B/api/v1/openapi/personal/files/$PFT/download?access_token=$TOKEN"
want dl && run "4 KiB /dl/ download (streamed from S3)" "$DL_URL"
want health && run "/health (PG + S3 checks)" "$B/health"

echo
cat "$OUT/cpu-split.txt"

# summarise the profile of the first route: samples by subsystem, then the hottest frames
set +o pipefail   # head closes pipes early
if [ -f "$OUT/instance1.jfr" ]; then
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$OUT/instance1.jfr" >"$OUT/samples.txt"
  echo
  echo "JFR execution samples of instance 1 during a 10 s profiled run of the first route (after its measured run), by the subsystem of the first non-JDK frame:"
  awk '
    /stackTrace = \[/ { inside = 1; cls = ""; next }
    inside && /^[ \t]*\]/ { inside = 0; if (cls == "") cls = "JDK only (scheduler, I/O, GC barriers)"; n[cls]++; total++; next }
    inside && cls == "" {
      f = $1
      if (f ~ /^(java|javax|jdk|sun)\./) next
      if (f ~ /^org\.postgresql|^com\.zaxxer/) cls = "PostgreSQL driver + Hikari"
      else if (f ~ /^org\.jdbi/) cls = "Jdbi"
      else if (f ~ /^io\.lettuce|^io\.netty|^reactor/) cls = "Redis client (Lettuce/Netty)"
      else if (f ~ /^software\.amazon/) cls = "AWS SDK (S3)"
      else if (f ~ /^io\.helidon/) cls = "Helidon HTTP"
      else if (f ~ /^com\.fasterxml/) cls = "Jackson"
      else if (f ~ /^io\.micrometer/) cls = "Micrometer"
      else if (f ~ /^io\.yundoc/) cls = "yundoc code"
      else cls = "other: " f
    }
    END { for (c in n) printf "%6d  %5.1f%%  %s\n", n[c], 100 * n[c] / total, c }' "$OUT/samples.txt" | sort -rn
  echo
  echo "top frames:"
  awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' "$OUT/samples.txt" | sort | uniq -c | sort -rn | head -12
fi
