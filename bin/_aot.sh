# Sourced by bin/yundoc, bin/image's training step and bench/ (JDK 25+): the ahead-of-time cache (JEP 483/514/515).
# yundoc_aot_key CLASSPATH_DIR: a key of the jars the cache is for (SHA-256 of yundoc-cli.jar and lib/*.jar), the JDK
#   and this file: a cache is only ever used with the very jars it was trained on.
# yundoc_aot_train CLASSPATH CACHE_FILE: the training run, `yundoc train` (io.yundoc.server.Training): a throw-away
#   server whose hot routes (signed app-space file info, links, download answer and /dl/, personal files) are driven
#   for YUNDOC_TRAIN_SECONDS (default 10) s, so the cache holds their classes, linked call sites and method profiles;
#   the JVM assembles the cache as the command exits. Needs JAVA_HOME. Returns non-zero when no cache was written.
#   Extra JVM flags for the run (they must match the ones the cache is later used with): YUNDOC_AOT_JVM_OPTS.
#   The checksums are remembered beside the jars against their names, sizes and mtimes, so an unchanged build does not
#   read 100 MB of jars on every start; a start whose jars are all older than that record forks no process for it.
yundoc_aot_key() {
  local dir=$1 stat key stamp="$1/yundoc-aot.key" f known="" opts="" fresh
  # the stamp: "<stat hash> <key>" and the extra JVM flags and path it was written for
  [ -f "$stamp" ] && { read -r known; read -r opts; } <"$stamp"
  # Fast path, shell builtins only: the stamp is newer than every jar, the lib dir (a jar added or removed), the
  # JDK's release file and this file, and was written for the same extra JVM flags by this file at the same path (the
  # path is part of the key). A stale answer could only cost a slower start: the JVM itself checks the jars against
  # the cache and ignores a cache that does not fit.
  if [ "$opts" = "opts:${YUNDOC_AOT_JVM_OPTS:-} from:${BASH_SOURCE[0]}" ] && [ -n "${known#* }" ] && [ "$known" != "${known#* }" ]; then
    fresh=1
    for f in "$dir/yundoc-cli.jar" "$dir/lib" "$dir"/lib/*.jar "$JAVA_HOME/release" "${BASH_SOURCE[0]}"; do
      [ "$f" -nt "$stamp" ] && { fresh=""; break; }
    done
    [ -n "$fresh" ] && { echo "${known#* }"; return 0; }
  fi
  stat=$( { (cd "$dir" && stat -c '%n %s %Y' yundoc-cli.jar lib/*.jar); sha256sum "$JAVA_HOME/release" "${BASH_SOURCE[0]}"; echo "${YUNDOC_AOT_JVM_OPTS:-}"; } | sha256sum | cut -c1-16)
  if [ -n "$known" ] && [ "${known%% *}" = "$stat" ]; then key=${known#* }
  else
    key=$( { (cd "$dir" && sha256sum yundoc-cli.jar lib/*.jar); sha256sum "$JAVA_HOME/release" "${BASH_SOURCE[0]}"; echo "${YUNDOC_AOT_JVM_OPTS:-}"; } \
      | sha256sum | cut -c1-16)
  fi
  printf '%s %s\nopts:%s from:%s\n' "$stat" "$key" "${YUNDOC_AOT_JVM_OPTS:-}" "${BASH_SOURCE[0]}" >"$stamp.$$" 2>/dev/null && mv -f "$stamp.$$" "$stamp" 2>/dev/null || rm -f "$stamp.$$" 2>/dev/null
  echo "$key"
}
yundoc_aot_train() {
  local cp=$1 aot=$2 tmp log rc
  tmp="$aot.partial.$$"
  log=$(mktemp "${TMPDIR:-/tmp}/yundoc-train.XXXXXX")
  rm -f "$tmp"
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError ${YUNDOC_AOT_JVM_OPTS:-} \
    -XX:AOTCacheOutput="$tmp" -Xlog:aot*=off -Xlog:cds*=off \
    -cp "$cp" io.yundoc.cli.Main train --duration "${YUNDOC_TRAIN_SECONDS:-10}s" >"$log" 2>&1
  rc=$?
  if [ "$rc" != 0 ] || [ ! -s "$tmp" ]; then
    echo "yundoc: the training run failed (exit $rc): $(tail -n 5 "$log")" >&2
    rm -f "$tmp" "$tmp.config" "$log"
    return 1
  fi
  rm -f "$log"
  mv -f "$tmp" "$aot"   # atomic: a concurrent start maps either the old cache or the whole new one
}
