-- bench/lua/requests.lua: replays the requests listed in the file named by $BENCH_REQUESTS, round robin.
-- One request per line: PATH, then optional TAB-separated "Header-Name: value" fields, e.g. the WPS-2
-- Date / Content-Md5 / Content-Type / Authorization set (signed once by run.sh: GET is not replay-checked,
-- and one Date stays inside the +-15 min window for a short run), or a path carrying one of several
-- access tokens (one per app, to spread the per-app daily quota).
-- Requests are formatted once in init(); request() only hands out prebuilt strings, so the client-side
-- Lua cost per request is a table lookup. With a single line the request is static, as in plain wrk.
local file = os.getenv("BENCH_REQUESTS")
assert(file and file ~= "", "BENCH_REQUESTS not set")
local lines = {}
for line in io.lines(file) do
  if line ~= "" then lines[#lines + 1] = line end
end
assert(#lines > 0, "no requests in " .. file)

local function parse(line)
  local fields = {}
  for f in string.gmatch(line, "[^\t]+") do fields[#fields + 1] = f end
  local headers = {}
  for i = 2, #fields do
    local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
    assert(name, "bad header field: " .. fields[i])
    headers[name] = value
  end
  return fields[1], headers
end

if #lines == 1 then
  local path, headers = parse(lines[1])
  wrk.path = path
  for k, v in pairs(headers) do wrk.headers[k] = v end
else
  local reqs = {}
  local n, i = #lines, 0
  local threads = 0
  function setup(thread)  -- runs in the main Lua state: number the threads
    threads = threads + 1
    thread:set("tid", threads)
  end
  function init(args)
    for k = 1, n do
      local path, headers = parse(lines[k])
      headers["Host"] = wrk.headers["Host"]
      reqs[k] = wrk.format("GET", path, headers)
    end
    -- start each thread at a different place in the list
    i = ((tid or 1) - 1) * math.floor(n / 2) % n
  end
  function request()
    i = i % n + 1
    return reqs[i]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.bytes, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
