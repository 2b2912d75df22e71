-- GET the URL given on the wrk command line, like the shared harness's lua/get.lua, and also
-- count the responses by their X-Page-Cache header (hit / miss / none). Prints the harness's
-- BENCH_RESULT line, then: BENCH_PAGECACHE hit=N miss=N none=N
-- Needs BENCH_LUA_DIR pointing at the shared harness's lua/ (for common.lua).
local common = dofile((os.getenv("BENCH_LUA_DIR") or "lua") .. "/common.lua")
common.apply_headers()

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  hit, miss, none = 0, 0, 0
end

function response(status, headers, body)
  local v = headers["X-Page-Cache"] or headers["x-page-cache"]
  if v == "hit" then
    hit = hit + 1
  elseif v == "miss" then
    miss = miss + 1
  else
    none = none + 1
  end
end

function done(summary, latency, requests)
  common.done(summary, latency, requests)
  local h, m, n = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + (t:get("hit") or 0)
    m = m + (t:get("miss") or 0)
    n = n + (t:get("none") or 0)
  end
  io.write(string.format("BENCH_PAGECACHE hit=%d miss=%d none=%d\n", h, m, n))
end
