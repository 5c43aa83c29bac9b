# shellcheck shell=bash
# Helpers shared by the scripts that build a Release givewatch and drive the devnet: demo.sh,
# bench.sh, bench-backfill.sh, bench-audit.sh and bench-api.sh. Sourced after they set $root to the repository.
: "${root:?scripts/lib.sh is sourced after setting root to the repository}"

# port_taken P: something accepts connections on 127.0.0.1:P.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# json EXPR: evaluates a JavaScript expression over the JSON document on stdin (as `d`) with the
# devnet's own Node, so that nothing needs jq; an array prints one element a line.
json() {
  "$root/scripts/devnet/node" -e 'const d = JSON.parse(require("fs").readFileSync(0, "utf8")); const v = ('"$1"'); process.stdout.write(Array.isArray(v) ? v.join("\n") + "\n" : String(v) + "\n")'
}

# build_release TARGET [LOG]: configures build-release/ (Release; no tests; the benchmarks too, so
# that every script's target is there whichever script configured it first) and builds TARGET,
# all output into LOG (a temporary file when none is named). On failure prints the output's last
# 40 lines to stderr and returns 1. The build runs in a subshell, so that a caller's signal trap
# prints to the terminal, not into LOG.
build_release() {
  local log=${2:-$(mktemp)} status=0
  (cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGIVEWATCH_TESTS=OFF \
    -DGIVEWATCH_BENCHMARKS=ON && cmake --build "$root/build-release" --target "$1") >"$log" 2>&1 || status=1
  ((status == 0)) || tail -n 40 "$log" >&2
  [[ -n ${2:-} ]] || rm -f "$log"
  return "$status"
}

# bench_devnet_up: a temporary work directory ($work) and a one-chain (bsc) devnet in it, started
# in the background and ready; sets $work, $manifest, $up_pid and $gw_pid (empty, for the caller's
# givewatch) and an EXIT trap that stops both and removes $work.
bench_devnet_up() {
  work=$(mktemp -d /tmp/givewatch-bench-XXXXXX)
  up_pid=""
  gw_pid=""
  trap 'bench_cleanup' EXIT
  "$root/scripts/devnet/devnet" up --dir "$work/devnet" --chains bsc --ports auto --api-port auto >"$work/up.log" 2>&1 &
  up_pid=$!
  for _ in $(seq 1 600); do grep -q READY "$work/up.log" && break; sleep 0.1; done
  grep -q READY "$work/up.log" || { cat "$work/up.log" >&2; exit 1; }
  manifest="$work/devnet/devnet.json"
}

bench_cleanup() {
  [[ -n ${gw_pid:-} ]] && kill "$gw_pid" 2>/dev/null || true
  [[ -n ${up_pid:-} ]] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
