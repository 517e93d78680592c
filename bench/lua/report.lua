-- bench/lua/report.lua: no request logic (wrk's static request); only prints a machine-readable summary
-- line that bench/run.sh parses next to wrk's own text. Durations and latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.bytes, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
