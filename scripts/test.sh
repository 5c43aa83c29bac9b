#!/usr/bin/env bash
# Runs every givewatch test on a fresh Debian 12 machine: installs what is missing (scripts/setup.sh),
# builds with warnings as errors, runs the tests, then builds and runs them again under
# AddressSanitizer + UndefinedBehaviorSanitizer; last, the demo for 30 s with the binary just tested
# (scripts/demo.sh --binary, which checks givewatch's totals against the devnet's nodes after the
# start and at the stop; the README's demo command builds its own Release binary).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/setup.sh"

build_and_test() {
  local dir=$1
  shift
  echo "== build $dir ($*)"
  cmake -S "$root" -B "$dir" -G Ninja -DGIVEWATCH_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== test $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

build_and_test "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build_and_test "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DGIVEWATCH_SANITIZE=ON -DGIVEWATCH_BENCHMARKS=OFF

echo "== demo (30 s)"
"$root/scripts/demo.sh" --duration 30 --binary "$root/build/daemon/givewatch" </dev/null
