#!/usr/bin/env bash
# Builds givewatch in release mode and prints the alert delivery figures on loopback: a webhook
# sink catching up on 10,000 events (events/s), and commit → webhook received (median, p99).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
"$root/scripts/setup.sh"
build_release givewatch_alerts_bench || { echo "bench-alerts: the build failed" >&2; exit 1; }
"$root/build-release/bench/givewatch_alerts_bench"
