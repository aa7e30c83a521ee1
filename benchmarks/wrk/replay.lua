-- Replays the requests of a file written by benchmarks/run.py, one per line:
--   METHOD <tab> PATH <tab> COOKIE <tab> BODY
-- Arguments after "--": the file, the expected status, "cycle" (start again at the end)
-- or "once" (each line is sent at most once: fresh quiz attempts; requests past the end
-- are counted as "exhausted" and repeat the last line), wrk's thread count, and how often
-- a request asks the server to close its connection (every Nth; 0 never).
-- Closing now and then spreads the connections over gunicorn's workers: wrk opens them all
-- at once, at the start, and the worker that wakes first often accepts every one, leaving
-- the other idle for the whole run. wrk opens a new connection at once, and the worker that
-- is free to accept it gets it. The new connection's time is not part of any latency.
-- Every response whose status is not the expected one counts as unexpected, so a
-- redirect to the sign-in page is an error here, not a fast page.
-- At the end one line "WRK_RESULT {json}" carries the summary and the latency percentiles.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  closing = {}  -- the same requests, asking the server to close the connection after answering
  counter = 0
  unexpected = 0
  exhausted = 0
  expected = tonumber(args[2]) or 200
  once = args[3] == "once"
  thread_count = tonumber(args[4]) or 1
  close_every = tonumber(args[5]) or 0
  statuses = ""
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["User-Agent"] = "wrk" }
    if cookie ~= "" then headers["Cookie"] = cookie end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    table.insert(requests, wrk.format(method, path, headers, body))
    headers["Connection"] = "close"
    table.insert(closing, wrk.format(method, path, headers, body))
  end
end

function request()
  -- threads take interleaved lines, so with "once" no two threads send the same one
  local index = thread_index + counter * thread_count + 1
  counter = counter + 1
  if index > #requests then
    if once then
      exhausted = exhausted + 1
      return requests[#requests]
    end
    index = ((index - 1) % #requests) + 1
  end
  if close_every > 0 and counter % close_every == 0 then
    return closing[index]
  end
  return requests[index]
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local total_unexpected, total_exhausted, seen = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + thread:get("unexpected")
    total_exhausted = total_exhausted + thread:get("exhausted")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "unexpected_status": %d, "exhausted": %d, ' ..
    '"unexpected_seen": "%s", "latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    total_unexpected, total_exhausted, seen, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
