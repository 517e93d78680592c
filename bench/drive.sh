#!/usr/bin/env bash
# bench/drive.sh: the web drive's listing of a 10,000-file folder (first page, 100 rows, rendered HTML) against the
# API's GET /personal/files of the same folder (count=100, JSON), one after the other on one yundoc process, wrk
# at CONNECTIONS (16) connections. Target (issue 18): the drive at least half the API's requests/s.
# Needs a built yundoc (bin/yundoc builds what is missing), wrk, curl, python3. Everything runs on 127.0.0.1;
# the server and its temp data dir are removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-15}
FILES=${FILES:-10000}
PORT=${PORT:-18480}
WORK=$(mktemp -d)
TOKEN=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
BASE="http://127.0.0.1:$PORT"
PID=
# the server's own status after the kill (143) is not the script's: a run that got its figures exits 0
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT
log() { printf '[drive-bench] %s\n' "$*" >&2; }

# build (if sources changed) before anything runs in the background: serve and wait would otherwise build at once
bin/yundoc --help >/dev/null
YUNDOC_ADMIN_TOKEN=$TOKEN bin/yundoc serve --dev --data "$WORK/data" --port "$PORT" >"$WORK/yundoc.log" 2>&1 &
PID=$!
bin/yundoc wait --timeout 120s --server "$BASE" >/dev/null
admin() { curl -fsS -X "$1" "$BASE/admin/v1$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+--data-binary "$3"}; }

log "fixtures: one user, one folder of $FILES files"
# in documents of 2,000 files: a fixture document is a JSON body, and JSON bodies stop at 1 MiB (10,000 files in
# one document are 1.5 MB); later documents refer to the user and folder of the first
python3 - "$FILES" "$WORK" <<'PY'
import json, sys
n, work = int(sys.argv[1]), sys.argv[2]
json.dump({"users": [{"user_id": "bench-user", "name": "bench", "password": "bench-password"}],
           "files": [{"space": "personal", "owner": "bench-user", "id": "benchfolder", "name": "big", "type": "folder"}]},
          open("%s/fixtures-0.json" % work, "w"))
for part, start in enumerate(range(0, n, 2000), 1):
    files = [{"space": "personal", "owner": "bench-user", "id": "benchfile%05d" % i, "name": "file-%05d.txt" % i,
              "parent": "benchfolder", "text": "x", "mtime": 1700000000 + i} for i in range(start, min(n, start + 2000))]
    json.dump({"files": files}, open("%s/fixtures-%d.json" % (work, part), "w"))
PY
part=0
while [ -f "$WORK/fixtures-$part.json" ]; do
  admin POST /fixtures "@$WORK/fixtures-$part.json" >/dev/null
  part=$((part + 1))
done
APP=$(admin POST /apps '{"name":"bench","tier":"formal","redirect_uris":["http://127.0.0.1/cb"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["app_id"])')
AT=$(admin POST /tokens "{\"app_id\":\"$APP\",\"user_id\":\"bench-user\",\"scopes\":[\"access_personal_files\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')

log "sign in through the login page"
JAR=$WORK/cookies
PAGE=$(curl -fsS -c "$JAR" "$BASE/drive")
CSRF=$(printf '%s' "$PAGE" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -fsS -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" --data "next=drive&username=bench&password=bench-password" "$BASE/h5/auth/login"
SESSION=$(awk '$6 == "yd_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { log "sign-in failed"; exit 1; }
DRIVE_URL="$BASE/drive?folder=benchfolder"
API_URL="$BASE/api/v1/openapi/personal/files?parent_id=benchfolder&count=100&order_by=fname&order=asc&access_token=$AT"
rows=$(curl -fsS -H "Cookie: yd_session=$SESSION" "$DRIVE_URL" | grep -c '<tr data-id=' || true)
[ "$rows" = 100 ] || { log "the drive page shows $rows rows, not 100"; exit 1; }

run() {  # run NAME URL [HEADER]: warm-up, then the measured run; prints "rps p99_ms non2xx"
  local name=$1 url=$2 hdr=${3:-X-Bench: 1}
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --latency -H "$hdr" -s bench/lua/report.lua "$url" >"$WORK/$name.warmup" 2>&1
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$hdr" -s bench/lua/report.lua "$url" >"$WORK/$name.txt" 2>&1
  awk '/^BENCH/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%.0f %.1f %d\n", v["requests"] * 1e6 / v["duration_us"], v["p99_us"] / 1000, v["non2xx"] }' "$WORK/$name.txt"
}
log "API GET /personal/files, first page of 100 ($CONNECTIONS connections, ${DURATION}s after ${WARMUP}s warm-up)"
read -r API_RPS API_P99 API_ERR < <(run api "$API_URL")
log "drive /drive?folder=…, first page of 100"
read -r DRV_RPS DRV_P99 DRV_ERR < <(run drive "$DRIVE_URL" "Cookie: yd_session=$SESSION")
RATIO=$(awk -v d="$DRV_RPS" -v a="$API_RPS" 'BEGIN { printf "%.2f", d / a }')
VERDICT=$(awk -v r="$RATIO" -v e1="$API_ERR" -v e2="$DRV_ERR" 'BEGIN { print (e1 + e2 > 0) ? "MISS (non-2xx)" : (r >= 0.5 ? "MET" : "MISS") }')
printf '| route | req/s | p99 ms | non-2xx |\n|---|---|---|---|\n'
printf '| API GET /personal/files (100 of %d) | %s | %s | %s |\n' "$FILES" "$API_RPS" "$API_P99" "$API_ERR"
printf '| drive /drive?folder (100 of %d) | %s | %s | %s |\n' "$FILES" "$DRV_RPS" "$DRV_P99" "$DRV_ERR"
printf '\ndrive / API = %s (target >= 0.50): %s\n' "$RATIO" "$VERDICT"
