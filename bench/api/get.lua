-- wrk script: GET /api/v1/contacts/{id}, ids drawn at random from the file BENCH_IDS (one per
-- line), with "Authorization: Bearer BENCH_TOKEN". The same script drives the baseline server,
-- which ignores path and header, so both see byte-identical traffic.
--
-- Requests are formatted once in init(): wrk shares the 2 cores with the server, so the client
-- should spend as little as it can per request.
local token = os.getenv("BENCH_TOKEN") or ""
local ids_path = os.getenv("BENCH_IDS")
local requests, n = {}, 0
local next_thread = 1

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. token }
  for id in io.lines(ids_path) do
    n = n + 1
    requests[n] = wrk.format("GET", "/api/v1/contacts/" .. id, headers)
  end
  if n == 0 then error("no ids in " .. tostring(ids_path)) end
  math.randomseed(7919 * (thread_id or 1))
end

function request()
  return requests[math.random(n)]
end
