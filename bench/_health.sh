# Sourced by bench/run.sh and bench/all.sh.
# wait_http_200 URL PID SECONDS: polls URL (http://HOST:PORT/PATH) every 20 ms until it answers 200 (returns 0);
#   returns 1 when process PID ends ("" for none) or SECONDS pass. Shell builtins only (/dev/tcp, read -t): the
#   curl poller it replaces forked curl, date and sleep every 20 ms, which on a small VM took a good part of a core
#   from the very server whose start-up was being timed.
wait_http_200() {
  local url=$1 pid=$2 rest hostport host port path fd line tick f start=$SECONDS
  rest=${url#http://}; hostport=${rest%%/*}; path=/${rest#*/}; host=${hostport%:*}; port=${hostport##*:}
  [ "$rest" != "$hostport" ] || path=/
  if [ -z "${WAIT_HTTP_TICK:-}" ]; then  # a FIFO nobody writes to: `read -t` on it sleeps without a fork
    f=$(mktemp -u "${TMPDIR:-/tmp}/yundoc-tick.XXXXXX") && mkfifo "$f" && exec {WAIT_HTTP_TICK}<>"$f"; rm -f "$f"
  fi
  while [ $((SECONDS - start)) -lt "$3" ]; do
    [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
    if { exec {fd}<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&"$fd" 2>/dev/null || true
      line=""; IFS= read -r -t 1 -u "$fd" line || true
      exec {fd}>&-
      case "$line" in "HTTP/1."?" 200"*) return 0 ;; esac
    fi
    read -r -t 0.02 -u "$WAIT_HTTP_TICK" tick || true
  done
  return 1
}
