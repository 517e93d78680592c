-- bench/lua/soak.lua: the mixed, rate-bounded traffic of bench/soak.sh. Environment (set by soak.sh):
--   SOAK_TOKEN  an all-scope access token      SOAK_FILE  a personal file token (renamed back and forth)
--   SOAK_DL     path of a /dl/ URL of SOAK_FILE  SOAK_DELAY_MS  pause before each request on a connection
-- A cycle of 10 requests per connection: 3 list reads, 2 link reads, 2 /dl/ downloads, 1 download answer,
-- 1 rename and 1 upload of a small file, which the next cycle moves to the recycle bin. Every non-2xx
-- answer, and every 2xx whose KDocs code is not 0, is counted by kind and printed by done().
local token = assert(os.getenv("SOAK_TOKEN"), "SOAK_TOKEN not set")
local file = assert(os.getenv("SOAK_FILE"), "SOAK_FILE not set")
local dl = assert(os.getenv("SOAK_DL"), "SOAK_DL not set")
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local api = "/api/v1/openapi/personal"
local boundary = "soak0boundary"
local kinds = {"list", "links", "dl", "download", "rename", "upload", "delete"}

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local step, renamed, last_kind, pending_delete = 0, false, nil, nil
counts, failures = {}, {}   -- globals: done() reads them from each thread with thread:get
local upload_body

function init(args)
  for _, k in ipairs(kinds) do counts[k] = 0; failures[k] = 0 end
  -- 16 KiB of printable filler, the same for every upload; the name varies per upload
  upload_body = string.rep("soak-filler-0123456789abcdef\n", 565)
end

function delay()
  return delay_ms
end

local function req(kind, method, path, headers, body)
  last_kind = kind
  counts[kind] = counts[kind] + 1
  return wrk.format(method, path, headers, body)
end

function request()
  if pending_delete then
    local id = pending_delete
    pending_delete = nil
    return req("delete", "DELETE", api .. "/files/" .. id .. "?access_token=" .. token)
  end
  step = step % 10 + 1
  if step <= 3 then
    return req("list", "GET", api .. "/files?parent_id=0&count=20&access_token=" .. token)
  elseif step <= 5 then
    return req("links", "GET", api .. "/files/" .. file .. "/links?access_token=" .. token)
  elseif step <= 7 then
    return req("dl", "GET", dl)
  elseif step == 8 then
    return req("download", "GET", api .. "/files/" .. file .. "/download?access_token=" .. token)
  elseif step == 9 then
    renamed = not renamed
    local name = renamed and "soak-renamed.txt" or "soak.txt"
    return req("rename", "PUT", api .. "/files/" .. file .. "/name?access_token=" .. token,
      {["Content-Type"] = "application/json"}, '{"new_name":"' .. name .. '"}')
  else
    local body = "--" .. boundary .. "\r\n"
      .. 'Content-Disposition: form-data; name="path_from_root"\r\n\r\ntrue\r\n'
      .. "--" .. boundary .. "\r\n"
      .. 'Content-Disposition: form-data; name="file"; filename="soak-upload.txt"\r\n'
      .. "Content-Type: text/plain\r\n\r\n" .. upload_body .. "\r\n--" .. boundary .. "--\r\n"
    return req("upload", "POST", api .. "/files/upload?access_token=" .. token,
      {["Content-Type"] = "multipart/form-data; boundary=" .. boundary}, body)
  end
end

function response(status, headers, body)
  local kind = last_kind
  if kind == nil then return end
  local ok = status >= 200 and status < 300
  if ok and kind ~= "dl" and not string.find(body, '^{"code":0') then ok = false end
  if not ok then
    failures[kind] = failures[kind] + 1
    if failures[kind] <= 3 then
      io.stderr:write(string.format("soak: %s answered %d: %s\n", kind, status, string.sub(body or "", 1, 200)))
    end
  elseif kind == "upload" then
    pending_delete = string.match(body, '"open_id":"([^"]+)"')
  end
end

function done(summary, latency, requests)
  local c, f = {}, {}
  for _, k in ipairs(kinds) do c[k] = 0; f[k] = 0 end
  for _, t in ipairs(threads) do
    local tc, tf = t:get("counts"), t:get("failures")
    for _, k in ipairs(kinds) do c[k] = c[k] + (tc[k] or 0); f[k] = f[k] + (tf[k] or 0) end
  end
  local parts, bad = {}, 0
  for _, k in ipairs(kinds) do
    table.insert(parts, string.format("%s=%d/%d", k, f[k], c[k]))
    bad = bad + f[k]
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d failed=%d\n",
    summary.requests, summary.bytes, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout, bad))
  io.write("SOAK failed/sent by kind: " .. table.concat(parts, " ") .. "\n")
end
