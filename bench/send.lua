-- wrk script: single-destination v3 sends; done() prints one machine-readable line:
-- BENCH {"requests":N,"rps":R,"p50_ms":A,"p99_ms":B,"errors":E,"non2xx":S}
-- Usage: wrk -t1 -c50 -d10s -s bench/send.lua http://127.0.0.1:PORT/sms/3/messages

wrk.method = "POST"
wrk.body = '{"messages":[{"sender":"InfoSMS","destinations":[{"to":"41793026727"}],'
  .. '"content":{"text":"Your code is 123456"}}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "App bench-key"

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH {"requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests,
    summary.requests / seconds,
    latency:percentile(50.0) / 1000,
    latency:percentile(99.0) / 1000,
    e.connect + e.read + e.write + e.timeout,
    e.status
  ))
end
