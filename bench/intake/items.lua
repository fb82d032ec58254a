-- wrk script: POST /api/v1/items (or /api/v1/items/batch with BATCH > 1) with real texts.
--
--   wrk -t2 -c16 -d30s -s items.lua http://127.0.0.1:18080 -- TEXTS TOKEN [BATCH] [RUN]
--
-- TEXTS: a file of JSON lines {"text": ..., "topic": ...} (bench/intake/texts.py). Each wrk
-- thread takes every n-th line, so threads never send the same text, and each item carries a
-- unique external id (RUN-thread-counter) and the source bench/RUN, so no item is a
-- duplicate, not even of an earlier phase's. Set WRK_THREADS to
-- the -t value. Answers other than
-- 201 (one item) or 200 with no errors (batch) are counted and printed at the end.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local texts = {}
local n, sent, bad, items_ok = 0, 0, 0, 0
local codes = {}
local token, batch, run

local function text_of(line)
  -- The "text" value, still JSON-escaped: it is put back into JSON as is.
  return line:match('^{"text": "(.-)", "topic": ')
end

function init(args)
  local path = args[1]
  token = args[2]
  batch = tonumber(args[3] or "1")
  run = args[4] or tostring(os.time())
  local i = 0
  local mine = tonumber(wrk.thread:get("tid"))
  local stride = tonumber(os.getenv("WRK_THREADS") or "2")
  for line in io.lines(path) do
    i = i + 1
    if i % stride == mine % stride then
      local t = text_of(line)
      if t then
        n = n + 1
        texts[n] = t
      end
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  if batch > 1 then
    wrk.path = "/api/v1/items/batch"
  else
    wrk.path = "/api/v1/items"
  end
end

local function item()
  sent = sent + 1
  local t = texts[((sent - 1) % n) + 1]
  local id = run .. "-" .. wrk.thread:get("tid") .. "-" .. sent
  return '{"text":"' .. t .. '","source":"bench/' .. run .. '","external_id":"' .. id .. '"}'
end

function request()
  if batch > 1 then
    local parts = {}
    for k = 1, batch do
      parts[k] = item()
    end
    return wrk.format(nil, nil, nil, "[" .. table.concat(parts, ",") .. "]")
  end
  return wrk.format(nil, nil, nil, item())
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  local parts = {}
  for k, v in pairs(codes) do
    parts[#parts + 1] = k .. ":" .. v
  end
  wrk.thread:set("codes", table.concat(parts, ","))
  if batch > 1 then
    if status == 200 then
      local acc = tonumber(body:match('"accepted":(%d+)') or "0")
      items_ok = items_ok + acc
      if acc ~= batch then
        bad = bad + 1
      end
    else
      bad = bad + 1
    end
  elseif status == 201 then
    items_ok = items_ok + 1
  else
    bad = bad + 1
  end
  wrk.thread:set("bad", bad)
  wrk.thread:set("items_ok", items_ok)
end

function done(summary, latency, requests)
  local b, ok = 0, 0
  local all = {}
  for _, t in ipairs(threads) do
    b = b + (tonumber(t:get("bad")) or 0)
    ok = ok + (tonumber(t:get("items_ok")) or 0)
    for k, v in string.gmatch(t:get("codes") or "", "(%d+):(%d+)") do
      all[k] = (all[k] or 0) + tonumber(v)
    end
  end
  local st = {}
  for k, v in pairs(all) do
    st[#st + 1] = k .. "x" .. v
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d items_accepted=%d bad_answers=%d seconds=%.2f items_per_s=%.1f " ..
    "lat_p50_ms=%.2f lat_p99_ms=%.2f lat_max_ms=%.2f socket_errors=%d statuses=%s\n",
    summary.requests, ok, b, secs, ok / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(st, ",")))
end
