-- Sign-form submissions for bench/web.py: every POST a distinct email.
--
-- wrk -s sign.lua URL -- <path> <form token> <run id> <seconds>
--
-- For <seconds> each connection POSTs the form; after that it only GETs /healthz until
-- wrk's own (longer) duration ends. So every POST has been answered when wrk stops, and
-- the submissions acknowledged (302/303) can be compared exactly with the rows stored.
-- The rate is counted from the first POST sent to the last POST answered.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } clarion_timeval;
int gettimeofday(clarion_timeval *tv, void *tz);
]]
local tv = ffi.new("clarion_timeval")
local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  -- The page's signed form token, the same for every visitor: no cookie is needed.
  path, token, run, seconds = args[1], args[2], args[3], tonumber(args[4])
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  sent, acked, failed, first, last, deadline = 0, 0, 0, 0, 0, nil
end

function request()
  local t = now()
  if deadline == nil then
    deadline, first = t + seconds, t
  end
  if t >= deadline then
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  -- Each signature from its own address (the server trusts one proxy hop).
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", tid, math.floor(sent / 256) % 256, sent % 256)
  local body = string.format(
    "form_token=%s&full_name=Bench+Signer+%d&email=b%s-%d-%d%%40example.org"
      .. "&country=GB&postcode=SW1A+1AA&comment=&show_name=on",
    token, sent, run, tid, sent)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 302 or status == 303 then
    acked = acked + 1
    last = now()
  elseif status ~= 200 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local sent_all, acked_all, failed_all, first_all, last_all = 0, 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    sent_all = sent_all + thread:get("sent")
    acked_all = acked_all + thread:get("acked")
    failed_all = failed_all + thread:get("failed")
    local f = thread:get("first")
    if f > 0 and (first_all == nil or f < first_all) then first_all = f end
    last_all = math.max(last_all, thread:get("last"))
  end
  local e = summary.errors
  io.write(string.format(
    "CLARION sent=%d acked=%d failed=%d seconds=%.6f socket_errors=%d\n",
    sent_all, acked_all, failed_all, last_all - (first_all or last_all),
    e.connect + e.read + e.write + e.timeout))
end
