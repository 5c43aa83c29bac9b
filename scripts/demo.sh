#!/usr/bin/env bash
# The givewatch demo: a local three-chain devnet (Hardhat nodes standing in for BSC, Aurora and Celo,
# see docs/devnet.md), givewatch indexing it, and the dashboard and REST API on 127.0.0.1.
#
#   1. installs what is missing (scripts/setup.sh, and curl for the examples) and builds givewatch in
#      Release (build-release/, tests off);
#   2. starts the devnet, sends a first batch of donations to every campaign on every chain;
#   3. starts givewatch with the devnet's configuration and waits until it is caught up: /readyz, and
#      its totals per campaign and chain equal the devnet's recount from the nodes' own eth_getLogs;
#   4. starts a slow stream of donations with the occasional reorg, and prints the dashboard URL, the
#      widget snippet, curl examples and where the logs are.
#
# On a stop, once the stream has ended, givewatch's totals are compared with the nodes' again (up to
# 20 s for it to index the last blocks) before givewatch is stopped; a difference is an error.
#
# Ctrl-C (SIGINT) or SIGTERM stops everything in order (the stream, givewatch, the nodes) and exits 0.
# Works without a terminal too (CI=true, `timeout -s INT 60 scripts/demo.sh`).
#
# Usage: scripts/demo.sh [--port N] [--dir DIR] [--duration SECONDS] [--binary PATH]
#   --port N          the API and dashboard port (default 8080; if 8080 is taken, a free one is used)
#   --dir DIR         keep the devnet, data and logs in DIR (default: a temporary directory, removed
#                     after a clean stop)
#   --duration S      stop by itself after S seconds (a smoke test)
#   --binary PATH     run this givewatch instead of building build-release/ (scripts/test.sh passes
#                     the binary it has just built and tested)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
devnet="$root/scripts/devnet/devnet"
givewatch="$root/build-release/daemon/givewatch"

usage() { echo "usage: $0 [--port N] [--dir DIR] [--duration SECONDS] [--binary PATH]" >&2; exit 2; }
built=0
port=""
dir=""
duration=0
while (($#)); do
  case $1 in
    --port) [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 1 && $2 -le 65535 ]] || usage; port=$2; shift 2 ;;
    --dir) [[ -n ${2:-} ]] || usage; dir=$2; shift 2 ;;
    --duration) [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 1 ]] || usage; duration=$2; shift 2 ;;
    --binary) [[ -x ${2:-} ]] || usage; givewatch=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); built=1; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
done

say() { echo "demo: $*"; }
fail() { echo "demo: error: $*" >&2; exit 1; }

# --- processes and stopping -------------------------------------------------------------------
# Every long-running child starts in a session of its own (setsid), so that a Ctrl-C at the terminal,
# or `timeout -s INT`, which signals the whole process group, reaches this script alone; the script
# then stops the children in order: the stream first, then givewatch (which must exit 0), then the
# devnet, whose nodes stop with it.
up_pid="" gw_pid="" stream_pid="" tick_pid=""
keep_dir=1 work=""
phase=starting # starting -> running -> stopping
failed=0

on_signal() {
  case $phase in
    starting) echo; say "$1 during start-up: stopping"; exit 0 ;; # the EXIT trap cleans up
    running) echo; say "$1 received: stopping"; phase=stopping ;;
    stopping) ;;                                                                  # already on it
  esac
}
trap 'on_signal SIGINT' INT
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGHUP' HUP

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# stop_child NAME PID SIGNAL TIMEOUT_S: signals PID, waits up to TIMEOUT_S for it to exit, then
# SIGKILLs it. Prints its exit status; returns 0 only if it exited 0 by itself.
stop_child() {
  local name=$1 pid=$2 signal=$3 timeout=$4 status=0 i
  [[ -n $pid ]] || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    say "$name (pid $pid) did not stop within ${timeout}s of $signal; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || status=$?
  if ((status == 0)); then
    say "$name stopped (exit 0)"
  else
    say "$name exited with status $status"
  fi
  return "$status"
}

# The nodes `devnet up` started (their pids are in the manifest).
node_pids() {
  [[ -n $work && -f $work/devnet.json ]] || return 0
  grep -oE '"pid": [0-9]+' "$work/devnet.json" | grep -oE '[0-9]+' || true
}

cleanup() {
  local status=$? clean=1 pid left=()
  trap '' INT TERM HUP
  phase=stopping
  if alive "$tick_pid"; then kill "$tick_pid" 2>/dev/null || true; fi
  local nodes
  nodes=$(node_pids)
  if [[ -n $stream_pid || -n $gw_pid || -n $up_pid ]]; then say "stopping: stream, givewatch, devnet"; fi
  local streamed=$stream_pid
  stop_child "the donation stream" "$stream_pid" TERM 20 || clean=0
  stream_pid=""
  # What the stream sent, reorgs included, must all be in givewatch before it stops.
  if [[ -n $streamed ]] && ((clean && !failed)) && alive "$gw_pid" && alive "$up_pid"; then
    if wait_for_truth 20; then
      say "at the stop: givewatch holds $(cat "$work/match.txt") donations, equal per campaign and chain to the nodes' own eth_getLogs"
    else
      cat "$work/match.txt" >&2
      say "at the stop: givewatch's totals differ from the nodes' (above)"
      clean=0
    fi
  fi
  stop_child givewatch "$gw_pid" TERM 30 || clean=0
  gw_pid=""
  stop_child "the devnet" "$up_pid" TERM 20 || clean=0
  up_pid=""
  for pid in $nodes; do
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      left+=("$pid")
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if ((${#left[@]})); then
    say "devnet nodes ${left[*]} were still running; killed them"
    clean=0
  fi
  if ((!failed && clean && status == 0)); then
    if ((keep_dir)); then
      [[ -n $work ]] && say "stopped cleanly; the devnet, data and logs stay in $work"
    else
      rm -rf "$work"
      say "stopped cleanly; removed $work"
    fi
    exit 0
  fi
  [[ -n $work ]] && say "the logs are in $work/logs"
  ((status != 0)) && exit "$status"
  exit 1
}
trap cleanup EXIT

# sleep_a_bit S: sleeps S seconds in a way a trapped signal interrupts at once.
sleep_a_bit() {
  sleep "$1" &
  tick_pid=$!
  wait "$tick_pid" 2>/dev/null || true
  tick_pid=""
}

# matches_truth: givewatch's donation count and amount per campaign and chain (pending and confirmed)
# equal the devnet's recount from the nodes' own eth_getLogs (`devnet truth`). Leaves the number of
# donations, or the differences, in $work/match.txt.
matches_truth() {
  timeout 20 "$devnet" truth --manifest "$manifest" --quiet >"$work/truth.json" 2>"$work/match.txt" </dev/null || return 1
  curl -fsS --max-time 5 -o "$work/campaigns.json" "$base/v1/campaigns" 2>"$work/match.txt" || return 1
  "$root/scripts/devnet/node" -e '
    const fs = require("fs");
    const truth = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const api = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const diffs = [];
    let count = 0;
    for (const [id, chains] of Object.entries(truth.totals)) {
      const c = api.campaigns.find((x) => x.id === id);
      if (!c) { diffs.push(`campaign ${id}: not in the API`); continue; }
      for (const [chain, t] of Object.entries(chains)) {
        let amount = 0n, n = 0;
        for (const status of [c.confirmed, c.pending]) {
          for (const b of status.by_token) if (b.chain === chain) { amount += BigInt(b.amount); n += b.donations; }
        }
        count += n;
        if (amount !== BigInt(t.amount) || n !== t.count) {
          diffs.push(`${id} on ${chain}: givewatch ${n} donations, ${amount}; the node ${t.count}, ${t.amount}`);
        }
      }
    }
    fs.writeFileSync(process.argv[3], diffs.length ? diffs.join("\n") + "\n" : String(count));
    process.exit(diffs.length ? 1 : 0);
  ' "$work/truth.json" "$work/campaigns.json" "$work/match.txt"
}

# wait_for_truth SECONDS: matches_truth, retried until it holds or SECONDS have passed.
wait_for_truth() {
  local until=$((SECONDS + $1))
  while true; do
    matches_truth && return 0
    ((SECONDS < until)) || return 1
    sleep 0.2
  done
}

# --- 1. install and build ---------------------------------------------------------------------
# A port given with --port must be free: say so before spending minutes on the build.
if [[ -n $port ]] && port_taken "$port"; then
  fail "port $port on 127.0.0.1 is already in use; stop what listens there or choose another with --port"
fi
if [[ -n $dir ]]; then
  mkdir -p "$dir"
  work=$(cd "$dir" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/givewatch-demo-XXXXXX")
  keep_dir=0
fi
logs="$work/logs"
mkdir -p "$logs"

say "installing what is missing (scripts/setup.sh, and curl for the API examples)"
"$root/scripts/setup.sh" curl

if ((built)); then
  say "running $givewatch (--binary: nothing to build)"
else
  say "building givewatch (Release, build-release/; a few minutes the first time; log: $logs/build.log)"
  build_release givewatch "$logs/build.log" || fail "the build failed; the whole log is $logs/build.log"
fi

# --- 2. ports and the devnet ------------------------------------------------------------------
api_port_arg=8080
if [[ -n $port ]]; then
  api_port_arg=$port
elif port_taken 8080; then
  say "port 8080 on 127.0.0.1 is already in use; the API will listen on a free port instead (choose one with --port)"
  api_port_arg=auto
fi
node_ports=()
for p in 8545 8546 8547; do
  if port_taken "$p"; then
    say "port $p (a devnet node's default) is in use; the nodes take free ports instead"
    node_ports=(--ports auto)
    break
  fi
done

say "starting the devnet: three Hardhat nodes (bsc, aurora, celo), tokens and campaigns (log: $logs/devnet.log)"
setsid "$devnet" up --dir "$work" --api-port "$api_port_arg" "${node_ports[@]}" >"$logs/devnet.out" 2>"$logs/devnet.log" </dev/null &
up_pid=$!
for _ in $(seq 1 1200); do
  grep -q '^READY$' "$logs/devnet.out" 2>/dev/null && break
  alive "$up_pid" || break
  sleep 0.1
done
if ! grep -q '^READY$' "$logs/devnet.out" 2>/dev/null; then
  cat "$logs/devnet.log" >&2
  failed=1
  fail "the devnet did not start (log above: $logs/devnet.log)"
fi
manifest="$work/devnet.json"
config="$work/givewatch.toml"
api=$(json 'd.api' <"$manifest")
base="http://$api"
chains=$(json 'd.chains.map((c) => c.name)' <"$manifest")

# A first batch of donations on every chain, so that the dashboard has something to show, then
# three empty blocks so that they are confirmed (the devnet configures confirmations = 3).
say "sending a first batch of donations to every campaign on every chain"
for chain in $chains; do
  "$devnet" traffic --manifest "$manifest" --chain "$chain" --donations 40 --noise 12 --amounts realistic --quiet >"$logs/traffic-$chain.json" </dev/null ||
    { failed=1; fail "sending donations on $chain failed"; }
  "$devnet" mine --manifest "$manifest" --chain "$chain" --blocks 3 --quiet >/dev/null </dev/null ||
    { failed=1; fail "mining on $chain failed"; }
done
sent=$(cat "$logs"/traffic-*.json | { grep -o '"tx_hash"' || true; } | wc -l)

# --- 3. givewatch -----------------------------------------------------------------------------
say "starting givewatch (config: $config; log: $logs/givewatch.log)"
setsid "$givewatch" run --config "$config" >"$logs/givewatch.log" 2>&1 </dev/null &
gw_pid=$!
ready=0
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null --max-time 2 "$base/readyz" 2>/dev/null; then
    ready=1
    break
  fi
  alive "$gw_pid" || break
  sleep 0.1
done
if ((!ready)); then
  tail -n 30 "$logs/givewatch.log" >&2
  failed=1
  alive "$gw_pid" || fail "givewatch exited during start-up (log above: $logs/givewatch.log)"
  fail "givewatch was not ready after 60 s ($base/readyz: $(curl -sS --max-time 2 "$base/readyz" 2>&1))"
fi
if ! wait_for_truth 30; then
  cat "$work/match.txt" >&2
  failed=1
  fail "givewatch's totals do not equal the nodes' own eth_getLogs after 30 s (above; log: $logs/givewatch.log)"
fi
say "givewatch is caught up: $(cat "$work/match.txt") donations on $(wc -w <<<"$chains") chains ($sent sent), equal per campaign and chain to the nodes' own eth_getLogs"

# --- 4. the stream, and what to look at -------------------------------------------------------
setsid "$devnet" stream --manifest "$manifest" --amounts realistic --interval-ms 1000 --reorg-every 10 --reorg-depth 3 --orphan-ms 1500 \
  >"$logs/stream.json" 2>"$logs/stream.log" </dev/null &
stream_pid=$!

campaign_lines=$(json 'd.campaigns.map((c) => `              ${c.id.padEnd(22)} ${c.name}`)' <"$manifest")
chain_lines=$(json 'd.chains.map((c) => `              ${c.name.padEnd(7)} chain id ${String(c.chain_id).padEnd(11)} ${c.rpc}  ${c.token.symbol} ${c.token.address}`)' <"$manifest")
if ((duration)); then
  stop_hint="Stops by itself in ${duration} s (--duration), or earlier with Ctrl-C / SIGTERM to pid $$."
else
  stop_hint="Stop with Ctrl-C (or SIGTERM to pid $$): the stream, givewatch and the nodes stop in order."
fi
cat <<EOF

================================================================================================
  givewatch demo: running

  Dashboard   $base/

  Widget      <script src="$base/widget.js" data-campaign="memorial"></script>

  API         curl -s $base/v1/campaigns/memorial
              curl -s $base/v1/campaigns/memorial/donations?limit=5
              curl -s $base/v1/chains
              curl -s $base/metrics
              curl -N $base/v1/campaigns/memorial/events      (live: Server-Sent Events)
              $base/openapi.json describes every endpoint

  Campaigns
$campaign_lines

  Chains (local Hardhat nodes; a new block of 1-3 donations on each every second, a reorg every
  10 rounds)
$chain_lines

  Logs        $logs/givewatch.log      the daemon
              $logs/stream.log         donations and reorgs as they are sent
              $logs/devnet.log         the devnet; nodes: $logs/{$(tr '\n' ',' <<<"$chains" | sed 's/,$//')}.log
  Data        $work/data$( ((keep_dir)) || echo "   (temporary: removed after a clean stop; keep it with --dir)")

  $stop_hint
================================================================================================

EOF

# still_running NAME PID_VARIABLE LOG: ends the demo with the log's tail if that child has exited.
still_running() {
  local name=$1 log=$3 status=0
  local -n child_pid=$2
  alive "$child_pid" && return 0
  wait "$child_pid" || status=$?
  child_pid=""
  tail -n 20 "$log" >&2
  failed=1
  fail "$name exited by itself (status $status); log above: $log"
}

phase=running
started=$SECONDS
while [[ $phase == running ]]; do
  sleep_a_bit 1
  [[ $phase == running ]] || break
  still_running givewatch gw_pid "$logs/givewatch.log"
  still_running "the devnet" up_pid "$logs/devnet.log"
  still_running "the donation stream" stream_pid "$logs/stream.log"
  if ((duration && SECONDS - started >= duration)); then
    say "${duration} s are up: stopping"
    phase=stopping
  fi
done
# The EXIT trap stops everything and exits 0 if all of it stopped cleanly.
exit 0
