#!/usr/bin/env bash
# Backfill benchmark: a local Hardhat node holding 100,000 Transfer logs to one campaign (10 a block
# over 10,000 blocks). In one run it measures
#   1. a plain client fetching those logs with eth_getLogs in 1,000-block ranges (the baseline), and
#   2. givewatch (max_block_range = 1000) backfilling the same blocks from an empty data directory
#      until every donation is committed,
# and prints both times, their ratio, logs/s and givewatch's peak RSS.
# Usage: scripts/bench-backfill.sh [--blocks N] [--per-block K]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
blocks=10000
per_block=10
while (($#)); do
  case $1 in
    --blocks) blocks=$2; shift 2 ;;
    --per-block) per_block=$2; shift 2 ;;
    *) echo "usage: $0 [--blocks N] [--per-block K]" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh" >/dev/null
build_release givewatch || { echo "bench-backfill: the build failed" >&2; exit 1; }
givewatch="$root/build-release/daemon/givewatch"
devnet="$root/scripts/devnet/devnet"

bench_devnet_up
campaign=memorial

echo "populating: $blocks blocks x $per_block transfers to one campaign..."
populate=$("$devnet" bench-populate --manifest "$manifest" --chain bsc --campaign "$campaign" \
  --blocks "$blocks" --per-block "$per_block" --quiet)
from=$(sed -E 's/.*"from_block":([0-9]+).*/\1/' <<<"$populate")
to=$(sed -E 's/.*"to_block":([0-9]+).*/\1/' <<<"$populate")
logs=$(sed -E 's/.*"logs":([0-9]+).*/\1/' <<<"$populate")
"$devnet" mine --manifest "$manifest" --chain bsc --blocks 5 --quiet >/dev/null

# 1. The plain client (twice; the first run warms the node's caches, the second is reported).
"$devnet" bench-fetch --manifest "$manifest" --chain bsc --campaign "$campaign" --from 0 --to "$to" --range 1000 --quiet >/dev/null
fetch=$("$devnet" bench-fetch --manifest "$manifest" --chain bsc --campaign "$campaign" --from 0 --to "$to" --range 1000 --quiet)
fetch_logs=$(sed -E 's/.*"logs":([0-9]+).*/\1/' <<<"$fetch")
fetch_s=$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' <<<"$fetch")

# 2. givewatch from an empty data directory, with 1,000-block ranges.
sed -e "s|^path = .*|path = \"$work/data\"|" -e "s|^max_block_range = .*|max_block_range = 1000|" \
  "$work/devnet/givewatch.toml" >"$work/givewatch.toml"
start=$(date +%s.%N)
"$givewatch" run --config "$work/givewatch.toml" >"$work/givewatch.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 60000); do
  grep -q "bsc: backfill complete" "$work/givewatch.log" && break
  kill -0 "$gw_pid" 2>/dev/null || { cat "$work/givewatch.log" >&2; exit 1; }
  sleep 0.005
done
end=$(date +%s.%N)
grep -q "bsc: backfill complete" "$work/givewatch.log" || { echo "givewatch did not finish" >&2; exit 1; }
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$gw_pid/status")
kill -TERM "$gw_pid"
wait "$gw_pid" || true
gw_pid=""
gw_s=$(echo "$end - $start" | bc -l)
stored=$("$givewatch" verify --config "$work/givewatch.toml" | sed -E 's/.*\(([0-9]+) events\).*/\1/')

grep -E "backfill (at|complete)" "$work/givewatch.log" | sed 's/^/  /'
printf '\n%-44s %12s\n' "" "result"
printf '%-44s %12d\n' "Transfer logs on the chain" "$logs"
printf '%-44s %12d\n' "logs fetched by the plain client" "$fetch_logs"
printf '%-44s %12d\n' "donations committed by givewatch (events)" "$stored"
printf '%-44s %11.2fs\n' "plain eth_getLogs fetch, 1000-block ranges" "$fetch_s"
printf '%-44s %11.2fs\n' "givewatch backfill, empty store to committed" "$gw_s"
printf '%-44s %11.2fx\n' "ratio (target <= 1.5)" "$(echo "$gw_s / $fetch_s" | bc -l)"
printf '%-44s %12.0f\n' "givewatch logs/s" "$(echo "$logs / $gw_s" | bc -l)"
printf '%-44s %10.1fMB\n' "givewatch peak RSS (VmHWM; target <= 64)" "$(echo "$rss_kb / 1024" | bc -l)"
