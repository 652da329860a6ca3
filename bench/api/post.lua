-- wrk script: POST /api/v1/contacts, each request a new contact with an email no other request
-- uses: "bench.<run>.<thread>.<counter>@loadtest.example.com". The other fields come from
-- generated contacts (the file BENCH_BODIES: per line, a JSON object's members after its
-- opening brace, without email), so bodies look like real ones.
local token = os.getenv("BENCH_TOKEN") or ""
local run = os.getenv("BENCH_RUN") or "0"
local bodies_path = os.getenv("BENCH_BODIES")
local rests, n = {}, 0
local counter = 0
local prefix
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
}
local next_thread = 1

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  for line in io.lines(bodies_path) do
    n = n + 1
    rests[n] = line
  end
  if n == 0 then error("no bodies in " .. tostring(bodies_path)) end
  prefix = '{"email":"bench.' .. run .. '.' .. (thread_id or 1) .. '.'
end

function request()
  counter = counter + 1
  local body = prefix .. counter .. '@loadtest.example.com",' .. rests[counter % n + 1]
  return wrk.format("POST", "/api/v1/contacts", headers, body)
end
