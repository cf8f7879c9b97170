-- wrk script for the portal bench: one tracking query = POST /track/ (query code +
-- last 4 digits), answered with the case page itself, checked for the right case number.
-- One connection per wrk thread, each with its own session and CSRF token (a
-- phone browser that loaded the form once), made by bench/portal_bench.py and
-- read from PORTAL_BENCH_DATA with the real (code, last4, number) triples.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

dofile(os.getenv("PORTAL_BENCH_DATA"))  -- PAIRS = {{code, last4, number}, ...}; CREDS = {{cookie, token}, ...}

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  cred = CREDS[tid]
  math.randomseed(tid * 7919)
  expect, t0 = nil, 0
  ok, errors, q, kinds = 0, 0, {}, {}
end

local function fail(kind)
  errors = errors + 1
  kinds[kind] = (kinds[kind] or 0) + 1
end

function request()
  local p = PAIRS[math.random(#PAIRS)]
  expect = p[3]
  t0 = now_ms()
  local body = "csrfmiddlewaretoken=" .. cred[2] .. "&query_code=" .. p[1] .. "&phone_last4=" .. p[2]
  return wrk.format("POST", "/track/", {["Cookie"] = cred[1],
                    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function response(status, headers, body)
  local t = now_ms()
  if status == 200 and string.find(body, 'data-testid="case-number">' .. expect .. "<", 1, true) then
    ok = ok + 1
    q[#q + 1] = t - t0
  else
    fail("POST " .. status)
  end
end

function done(summary, latency, requests)
  local f = io.open(os.getenv("PORTAL_BENCH_OUT"), "w")
  f:write(string.format("summary %d %d %d %d %d %d %d\n", summary.duration, summary.requests,
          summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
          summary.errors.timeout))
  for _, th in ipairs(threads) do
    f:write(string.format("thread %d %d\n", th:get("ok"), th:get("errors")))
    for k, n in pairs(th:get("kinds")) do f:write(string.format("error %s %d\n", (k:gsub(" ", "_")), n)) end
    for _, v in ipairs(th:get("q")) do f:write(string.format("q %.3f\n", v)) end
  end
  f:close()
end
