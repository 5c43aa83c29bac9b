#!/usr/bin/env bash
# Audit benchmark: a local Hardhat node holding N donations to one campaign, each its own
# transaction in its own block (so each needs its own receipt). givewatch indexes them, then in one
# run this script measures
#   1. a plain client fetching the same logs with eth_getLogs in 1,000-block ranges (the baseline:
#      one read of everything the audit recounts), and
#   2. `givewatch audit` of the store against the same node: every donation's receipt and block
#      (batches of 100) and the eth_getLogs recount,
# and prints both times, donations audited per second (target >= 5,000) and their ratio.
# Usage: scripts/bench-audit.sh [--donations N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
donations=10000
while (($#)); do
  case $1 in
    --donations) donations=$2; shift 2 ;;
    *) echo "usage: $0 [--donations N]" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh" >/dev/null
build_release givewatch || { echo "bench-audit: the build failed" >&2; exit 1; }
givewatch="$root/build-release/daemon/givewatch"
devnet="$root/scripts/devnet/devnet"

bench_devnet_up
campaign=memorial

echo "populating: $donations donations to one campaign, one transaction and block each..."
populate=$("$devnet" bench-populate --manifest "$manifest" --chain bsc --campaign "$campaign" \
  --blocks "$donations" --per-block 1 --quiet)
to=$(sed -E 's/.*"to_block":([0-9]+).*/\1/' <<<"$populate")
"$devnet" mine --manifest "$manifest" --chain bsc --blocks 20 --quiet >/dev/null

sed -e "s|^path = .*|path = \"$work/data\"|" -e "s|^max_block_range = .*|max_block_range = 1000|" \
  "$work/devnet/givewatch.toml" >"$work/givewatch.toml"
"$givewatch" run --config "$work/givewatch.toml" >"$work/givewatch.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 60000); do
  grep -q "bsc: backfill complete" "$work/givewatch.log" && break
  kill -0 "$gw_pid" 2>/dev/null || { cat "$work/givewatch.log" >&2; exit 1; }
  sleep 0.01
done
kill -TERM "$gw_pid"
wait "$gw_pid" || true
gw_pid=""

# 1. The plain client (twice; the first run warms the node's caches, the second is reported).
"$devnet" bench-fetch --manifest "$manifest" --chain bsc --campaign "$campaign" --from 0 --to "$to" --range 1000 --quiet >/dev/null
fetch=$("$devnet" bench-fetch --manifest "$manifest" --chain bsc --campaign "$campaign" --from 0 --to "$to" --range 1000 --quiet)
fetch_s=$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' <<<"$fetch")

# 2. The audit (the same: a warm-up run, then the reported one).
"$givewatch" audit --config "$work/givewatch.toml" --json >/dev/null 2>&1 || true
start=$(date +%s.%N)
status=0
"$givewatch" audit --config "$work/givewatch.toml" --json >"$work/audit.json" 2>"$work/audit.err" || status=$?
end=$(date +%s.%N)
audit_s=$(echo "$end - $start" | bc -l)
summary=$(tail -n 1 "$work/audit.json")
checked=$(sed -E 's/.*"donations_checked":([0-9]+).*/\1/' <<<"$summary")
recounted=$(sed -E 's/.*"logs_recounted":([0-9]+).*/\1/' <<<"$summary")
((status == 0)) || { echo "the audit found problems (exit $status):" >&2; head -n 20 "$work/audit.json" >&2; exit 1; }

printf '\n%-52s %12s\n' "" "result"
printf '%-52s %12d\n' "donations audited (receipt, block, recount)" "$checked"
printf '%-52s %12d\n' "Transfer logs recounted" "$recounted"
printf '%-52s %11.2fs\n' "plain eth_getLogs fetch, 1000-block ranges" "$fetch_s"
printf '%-52s %11.2fs\n' "givewatch audit, whole store" "$audit_s"
printf '%-52s %12.0f\n' "donations audited per second (target >= 5000)" "$(echo "$checked / $audit_s" | bc -l)"
printf '%-52s %11.2fx\n' "audit time / plain fetch time" "$(echo "$audit_s / $fetch_s" | bc -l)"
