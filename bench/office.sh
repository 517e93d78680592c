#!/usr/bin/env bash
# bench/office.sh: issue 17 item 9. Converts N small .docx files (default 50) to PDF
#   (a) with `soffice --headless --convert-to pdf`, one process start per file, and
#   (b) through yundoc (office/convert/files/to/pdf, warm office processes, all submitted at once, polled to the end),
# then measures the WPS-2 signed file-info route (GET /appspace/files/:ft) with wrk for 15 s without conversions and
# for 15 s while conversions run (6 tasks kept in flight from 3 s before until the run ends, by one client process,
# bench/office/convert.py, that signs and polls for itself). Prints files/min for (a) and (b) and the two req/s figures with their ratios
# (targets: (b) >= 3x (a); req/s during conversions >= 70 % of idle). Everything on 127.0.0.1; all it starts is
# stopped on exit, the temp dir removed. Needs LibreOffice (.ci/run installs it), python3, curl and wrk.
# SKIP_SOFFICE=1 skips (a) (its ratio is then meaningless), to look at (b) and the req/s figures alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${N:-50}
PORT=${PORT:-18931}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
die() { echo "office.sh: $*" >&2; exit 1; }
command -v soffice >/dev/null || die "soffice not found (apt-get install libreoffice-writer-nogui)"
command -v wrk >/dev/null || die "wrk not found"
# build (if sources changed) first: not during the soffice timing, and not twice at once (serve and wait below)
bin/yundoc --help >/dev/null || die "yundoc build failed"

# ---------------------------------------------------------------- N small .docx files (minimal WordprocessingML)
python3 - "$WORK/docs" "$N" <<'PY'
import os, sys, zipfile
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
ct = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
for i in range(n):
    paras = "".join('<w:p><w:r><w:t>文档 %d 第 %d 段 yundoc benchmark paragraph.</w:t></w:r></w:p>' % (i, j) for j in range(20))
    doc = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>' % paras
    with zipfile.ZipFile(os.path.join(d, "doc%02d.docx" % i), "w") as z:
        z.writestr("[Content_Types].xml", ct); z.writestr("_rels/.rels", rels); z.writestr("word/document.xml", doc)
PY

# ---------------------------------------------------------------- (a) soffice once per file
mkdir -p "$WORK/out-a" "$WORK/profile-a"
t0=$(date +%s.%N)
for f in "$WORK"/docs/*.docx; do
  [ -n "${SKIP_SOFFICE:-}" ] && break  # diagnosing (b) or the req/s figures only
  soffice -env:UserInstallation=file://$WORK/profile-a --headless --convert-to pdf --outdir "$WORK/out-a" "$f" >/dev/null 2>&1
done
t1=$(date +%s.%N)
A_N=$(find "$WORK/out-a" -name "*.pdf" | wc -l)
[ "$A_N" -gt 0 ] || { A_N=1; t1=$(python3 -c "print($t0 + 1)"); }
A_FPM=$(python3 -c "print(round($A_N * 60 / ($t1 - $t0), 1))")
echo "soffice per file: $A_N files in $(python3 -c "print(round($t1 - $t0, 1))") s = $A_FPM files/min"

# ---------------------------------------------------------------- yundoc
ADMIN_TOKEN=office-bench-admin
( cd "$WORK/docs" && exec python3 -m http.server 0 --bind 127.0.0.1 >"$WORK/http.log" 2>&1 ) &
PIDS+=($!)
for _ in $(seq 50); do grep -q "port" "$WORK/http.log" 2>/dev/null && break; sleep 0.2; done
HTTP_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/http.log" | head -1)
[ -n "$HTTP_PORT" ] || die "file server did not start"
YUNDOC_ADMIN_TOKEN=$ADMIN_TOKEN bin/yundoc serve --port "$PORT" --data "$WORK/data" --cloud-allow 127.0.0.1/32 \
  >"$WORK/yundoc.log" 2>&1 &
PIDS+=($!)
YD=http://127.0.0.1:$PORT
bin/yundoc wait --timeout 180s --server "$YD" >/dev/null || die "yundoc did not start: $(tail -5 "$WORK/yundoc.log")"
admin() { curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$YD/admin/v1/$1" --data "$2"; }
jstr() { python3 -c "import json,sys; print(json.load(sys.stdin)['data']['$1'])"; }
APP=$(admin apps '{"name":"office-bench","tier":"formal","redirect_uris":[]}')
APP_ID=$(jstr app_id <<<"$APP"); APP_KEY=$(jstr app_key <<<"$APP")
http_date() { LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT'; }
sig() { printf '%s' "$APP_KEY$1$2$3" | sha1sum | cut -d' ' -f1; }
signed() {  # METHOD PATH [JSON]
  local md5 date ct=application/json
  if [ $# -ge 3 ]; then md5=$(printf '%s' "$3" | md5sum | cut -d' ' -f1); else md5=$(printf '%s' "$2" | md5sum | cut -d' ' -f1); fi
  date=$(http_date)
  curl -sS -X "$1" "$YD$2" -H "Date: $date" -H "Content-Md5: $md5" -H "Content-Type: $ct" \
    -H "Authorization: WPS-2:$APP_ID:$(sig "$md5" "$ct" "$date")" ${3:+--data-binary "$3"}
}
CONVERT=(python3 bench/office/convert.py)  # signs and polls in one process (see its header)
DOCS_URL=http://127.0.0.1:$HTTP_PORT
# one conversion first: starts the office process (the pool is lazy), as a running server would have
signed POST /api/v1/openapi/office/convert/files/to/pdf "{\"url\":\"http://127.0.0.1:$HTTP_PORT/doc00.docx\",\"filename\":\"w.docx\"}" >/dev/null
sleep 15
B_S=$("${CONVERT[@]}" all "$YD" "$APP_ID" "$APP_KEY" "$DOCS_URL" "$N")
B_FPM=$(python3 -c "print(round($N * 60 / $B_S, 1))")
echo "yundoc (warm office process): $N files in $B_S s = $B_FPM files/min ($(python3 -c "print(round($B_FPM / $A_FPM, 2))")x)"

# ---------------------------------------------------------------- signed file-info req/s, idle and during conversions
printf 'x' >"$WORK/f.txt"
bnd=officebench; mp="$WORK/up.multipart"
printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nx\r\n--%s--\r\n' "$bnd" "$bnd" >"$mp"
md5=$(md5sum "$mp" | cut -d' ' -f1); ct="multipart/form-data; boundary=$bnd"; date=$(http_date)
FT=$(curl -sS "$YD/api/v1/openapi/appspace/files/upload" -H "Date: $date" -H "Content-Md5: $md5" -H "Content-Type: $ct" \
  -H "Authorization: WPS-2:$APP_ID:$(sig "$md5" "$ct" "$date")" --data-binary "@$mp" | jstr file_token)
P="/api/v1/openapi/appspace/files/$FT"; md5=$(printf '%s' "$P" | md5sum | cut -d' ' -f1); date=$(http_date)
printf '%s\tDate: %s\tContent-Md5: %s\tContent-Type: application/json\tAuthorization: WPS-2:%s:%s\n' \
  "$P" "$date" "$md5" "$APP_ID" "$(sig "$md5" application/json "$date")" >"$WORK/req.txt"
rps() { BENCH_REQUESTS="$WORK/req.txt" wrk -t2 -c32 -d15s -s bench/lua/requests.lua "$YD" | sed -n 's/^Requests\/sec: *//p'; }
BENCH_REQUESTS="$WORK/req.txt" wrk -t2 -c32 -d10s -s bench/lua/requests.lua "$YD" >/dev/null  # warm-up
IDLE=$(rps)
# conversions run for the whole measured window: 6 tasks kept in flight from 3 s before wrk until it ends
"${CONVERT[@]}" keep "$YD" "$APP_ID" "$APP_KEY" "$DOCS_URL" "$N" "$WORK/stop" >"$WORK/keep.txt" &
CONV=$!
sleep 3
BUSY=$(rps)
touch "$WORK/stop"
wait $CONV || die "conversions during the wrk run failed"
read -r K_DONE K_DRY <"$WORK/keep.txt"
echo "conversions finished in the 3 s before and the 15 s of the run: $K_DONE (queue ran dry at $K_DRY polls)"
echo "signed file-info: $IDLE req/s idle, $BUSY req/s during conversions ($(python3 -c "print(round(100 * $BUSY / $IDLE))") %)"
