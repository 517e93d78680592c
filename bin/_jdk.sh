# Sourced by bin/yundoc, bin/test, .ci/run and bench/: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 21, else the newest JDK in /usr/lib/jvm (or /Library/Java/JavaVirtualMachines).
yundoc_java_major() {  # from the JDK's release file with shell builtins only (no JVM launch, no sed: a start of
  # bin/yundoc pays for every process it forks); asks the JVM only when that file is missing
  local v="" line
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case "$line" in JAVA_VERSION=\"*) v=${line#JAVA_VERSION=\"}; v=${v%%\"*}; break ;; esac
    done <"$1/release"
  fi
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  case "$v" in 1.*) v=${v#1.} ;; esac
  echo "${v%%[!0-9]*}"
}
yundoc_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(yundoc_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(yundoc_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$best" ] && echo "$best"
}
JAVA_HOME_FOUND=$(yundoc_find_jdk) || true
if [ -z "${JAVA_HOME_FOUND:-}" ]; then
  echo "yundoc: needs a JDK 21 or newer (none found in \$JAVA_HOME or /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk', or set JAVA_HOME" >&2
  exit 3
fi
export JAVA_HOME="$JAVA_HOME_FOUND"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build; the warning is Maven's, not ours.
YUNDOC_JAVA_MAJOR=$(yundoc_java_major "$JAVA_HOME")  # bin/yundoc and bench/ read it too
if [ "${YUNDOC_JAVA_MAJOR:-0}" -ge 24 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "yundoc: needs Apache Maven 3.8+ to build (apt-get install maven)" >&2
  exit 3
fi
