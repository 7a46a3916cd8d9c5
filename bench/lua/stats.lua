-- Reports what bench/web.py reads from a plain wrk run, in one parseable line.
-- Latencies are in microseconds; "non2xx" counts answers outside 200-399.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "CLARION requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
