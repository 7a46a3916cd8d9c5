-- Search-page requests for bench/web.py: each connection walks the query list in turn.
--
-- wrk -s search.lua URL -- <query> <query> ...   (queries already URL-encoded)

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  queries = args
  n = offset or 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/search/?q=" .. queries[(n % #queries) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CLARION requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
