# shellcheck shell=bash
# Shell functions bench/api/run and bench/api/floor share (sourced, not run).

# wait_for_port LOG PID NAME: the port from a "listening on http://127.0.0.1:<port>" line of
# LOG, waiting up to 60 s (migrations run before the port opens); fails if the process exits.
wait_for_port() {
  local log=$1 pid=$2 name=$3 port
  for _ in $(seq 600); do
    port=$(tr -d '\r' <"$log" | sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' | head -n1)
    if [[ -n $port ]]; then
      echo "$port"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before listening; its output:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$name printed no 'listening on http://127.0.0.1:<port>' line in 60 s; its output:" >&2
  tail -n 40 "$log" >&2
  return 1
}

# first_start_token LOG: the admin API token `rally serve` printed in LOG on first start.
first_start_token() {
  tr -d '\r' <"$1" | sed -n 's/.*API token:[[:space:]]*\([^[:space:]]*\).*/\1/p' | head -n1
}
