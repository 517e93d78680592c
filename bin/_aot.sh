# Sourced by bin/yundoc and bench/run.sh (JDK 25+): records an ahead-of-time cache (JEP 483/514) for a class path.
# yundoc_aot_train CLASSPATH CACHE_FILE: a training start of the server on a throw-away data dir (demo data, a free
# port), a few requests to the documented routes so their classes are in the cache too, then a clean stop; the JVM
# assembles the cache as it exits. Needs JAVA_HOME. Returns non-zero when no cache was written.
yundoc_aot_train() {
  local cp=$1 aot=$2 train pid url="" try i
  rm -f "$aot"
  train=$(mktemp -d "${TMPDIR:-/tmp}/yundoc-train.XXXXXX")
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError -XX:AOTCacheOutput="$aot" -Xlog:aot*=off -Xlog:cds*=off \
    -cp "$cp" io.yundoc.cli.Main serve --dev --demo --bind 127.0.0.1 --port 0 --data "$train/data" >"$train/log" 2>&1 &
  pid=$!
  for i in $(seq 1 600); do
    url=$(sed -n 's/^yundoc listening on \(http[^ ]*\).*/\1/p' "$train/log" | head -n1)
    if [ -n "$url" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ -n "$url" ] && command -v curl >/dev/null 2>&1; then
    try=$(sed -n "s/^try: *curl '\(.*\)'$/\1/p" "$train/log" | head -n1)
    for i in 1 2 3; do
      curl -s -o /dev/null "$url/health" || true
      if [ -n "$try" ]; then
        curl -s -o /dev/null "$try" || true
        curl -s -o /dev/null "${try/\/download\?/\/links?}" || true
      fi
    done
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$train"
  [ -f "$aot" ]
}
