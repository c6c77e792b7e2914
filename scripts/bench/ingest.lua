-- wrk script of the ingest benchmark (scripts/bench-ingest.sh): posts untokened SXWL callbacks.
--   INGEST_MODE=unique  every request a new job id
--   INGEST_MODE=dup30   30% of requests repeat a callback this thread already sent (SXWL or a proxy retrying)
--   INGEST_MODE=reject  an invalid status: the gateway's cheapest rejected callback (422), its HTTP ceiling
-- INGEST_RUN makes the ids of one run unique across runs. done() prints one parsable RESULT line.
local mode = os.getenv("INGEST_MODE") or "unique"
local run = os.getenv("INGEST_RUN") or tostring(os.time())
local threads = 0
local sent = 0
local fresh = 0
local prefix

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  prefix = run .. "-" .. tid .. "-"
  math.randomseed(tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

local function body(status, jobId)
  return '{"status":"' .. status .. '","jobId":"' .. jobId .. '","url":"https://models.example.com/m.tar?Expires=4102444800"}'
end

function request()
  sent = sent + 1
  if mode == "reject" then
    return wrk.format(nil, "/callbacks/sxwl", nil, body("bogus", prefix .. sent))
  end
  local n
  if mode == "dup30" and fresh > 0 and math.random(100) <= 30 then
    n = math.random(fresh)
  else
    fresh = fresh + 1
    n = fresh
  end
  return wrk.format(nil, "/callbacks/sxwl", nil, body("success", prefix .. n))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d micros=%d p50=%d p99=%d p999=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status, e.connect + e.read + e.write + e.timeout))
end
