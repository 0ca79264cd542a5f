-- wrk script of scripts/bench-intake: every request a distinct, pre-signed Standard Webhooks event.
--
--   wrk -s signed-events.lua URL -- EVENTS RESULT [DELAY_MS]
--
-- EVENTS.<n> holds thread n's events, one per line: webhook-id, webhook-signature, body, separated by tabs (the
-- signing happens beforehand, so the client spends no time on HMAC). RESULT receives the run's figures as JSON.
-- DELAY_MS, when given, makes each connection wait that long between its requests: a paced load.

local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

local events, count, timestamp = {}, 0, nil
sent, wrapped = 0, 0

function init(args)
    local path = args[1] .. "." .. id
    for line in io.lines(path) do
        local msg_id, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
        count = count + 1
        events[count] = { msg_id, signature, body }
    end
    timestamp = io.open(args[1] .. ".timestamp"):read("*l")
    result_path = args[2]
    if args[3] then
        -- Defined only when pacing: wrk sets a timer before every request of a script that has delay().
        local pause = tonumber(args[3])
        delay = function() return pause end
    end
end

function request()
    sent = sent + 1
    local index = (sent - 1) % count + 1
    if index == count then
        wrapped = wrapped + 1
    end
    local event = events[index]
    return wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["webhook-id"] = event[1],
        ["webhook-timestamp"] = timestamp,
        ["webhook-signature"] = event[2],
    }, event[3])
end

function done(summary, latency, requests)
    local per_thread = {}
    for _, thread in ipairs(threads) do
        table.insert(per_thread, string.format('{"id": %d, "sent": %d, "wrapped": %d}', thread:get("id"), thread:get("sent"),
            thread:get("wrapped")))
    end
    local errors = summary.errors
    local out = io.open(threads[1]:get("result_path"), "w")
    out:write(string.format(
        '{"duration_us": %d, "requests": %d, "non_2xx": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
        '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "threads": [%s]}\n',
        summary.duration, summary.requests, errors.status, errors.connect, errors.read, errors.write, errors.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, table.concat(per_thread, ", ")))
    out:close()
end
