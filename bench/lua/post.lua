-- bench/lua/post.lua: one static POST (bench/sheets.sh's dbt complex_query), body from the file named by $BENCH_BODY;
-- prints the summary line of report.lua.
local f = assert(io.open(assert(os.getenv("BENCH_BODY"), "BENCH_BODY not set"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.bytes, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
