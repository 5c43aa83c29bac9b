#!/usr/bin/env bash
# Builds givewatch in release mode and prints the primitive and store benchmarks:
# Keccak-256 throughput (MB/s) and donations committed per second for steps of 1, 100 and 10,000.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
"$root/scripts/setup.sh"
build_release givewatch_bench || { echo "bench: the build failed" >&2; exit 1; }
# Without arguments: medians of 5 runs. Any arguments go to Google Benchmark instead.
args=("$@")
((${#args[@]})) || args=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)
"$root/build-release/bench/givewatch_bench" --benchmark_counters_tabular=true "${args[@]}"
