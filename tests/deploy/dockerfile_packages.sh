#!/usr/bin/env bash
# The Dockerfile's build stage installs exactly the Debian packages scripts/setup.sh installs,
# less the ones only the tests, the benchmarks and developers need (the list below, each with why).
# Usage: dockerfile_packages.sh SOURCE_DIR
set -euo pipefail
root=$1
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dockerfile=$root/Dockerfile
setup=$root/scripts/setup.sh

# Packages of setup.sh's list that building the givewatch target does not need. setup.sh installs
# what the build *and* the tests need, in one list; this is where the two are told apart.
declare -A not_for_build=(
  [libgtest-dev]="GoogleTest, for tests/: the image is configured with -DGIVEWATCH_TESTS=OFF"
  [libgmock-dev]="GoogleMock, for tests/: the image is configured with -DGIVEWATCH_TESTS=OFF"
  [libbenchmark-dev]="Google Benchmark, for bench/: the image is configured with -DGIVEWATCH_BENCHMARKS=OFF"
  [openssl]="the openssl command-line tool: tests/support makes TLS test certificates with it (the build links libssl-dev)"
  [git]="the build never runs git: no FetchContent, and the version comes from project() in CMakeLists.txt"
  [ca-certificates]="the build downloads nothing; the runtime stage installs it for https RPC providers"
  [chromium]="headless Chromium, for the dashboard's browser tests (tests/browser)"
)

# setup.sh's `packages=( ... )` list, comments dropped.
mapfile -t setup_packages < <(
  awk '
    /^packages=\(/ { inside = 1; sub(/^packages=\(/, "") }
    inside {
      sub(/#.*/, "")
      done = sub(/\).*/, "")
      print
      if (done) exit
    }
  ' "$setup" | tr -s '[:blank:]' '\n' | grep -v '^$' | sort -u
)
((${#setup_packages[@]})) || fail "found no packages=( ... ) list in $setup"

# The build stage: the first one, FROM debian:12 (bookworm).
from=$(dockerfile_stage "$dockerfile" 1 | head -1)
if ! grep -qiE '^FROM[[:space:]]+(docker\.io/(library/)?)?debian:(12|bookworm)(@sha256:[0-9a-f]+)?[[:space:]]+AS[[:space:]]+build$' <<<"$from"; then
  fail "the Dockerfile's first stage must be 'FROM debian:12 AS build'; it is '$from'"
fi
mapfile -t build_packages < <(dockerfile_stage "$dockerfile" 1 | apt_packages)
((${#build_packages[@]})) || fail "the build stage of $dockerfile has no apt-get install"

# The exclusions rely on tests and benchmarks being switched off.
configure=$(dockerfile_stage "$dockerfile" 1 | grep -E '^RUN .*cmake[[:space:]]+-S' || true)
for flag in -DGIVEWATCH_TESTS=OFF -DGIVEWATCH_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Release; do
  grep -qE -- "(^|[[:space:]])${flag}([[:space:]]|$)" <<<"$configure" ||
    fail "the build stage's cmake configure step must pass $flag (found: ${configure:-no cmake -S step})"
done

declare -A in_setup=() in_build=()
for p in "${setup_packages[@]}"; do in_setup[$p]=1; done
for p in "${build_packages[@]}"; do in_build[$p]=1; done

for p in "${!not_for_build[@]}"; do
  [[ -n ${in_setup[$p]:-} ]] ||
    fail "this test excludes '$p' from the build stage, but scripts/setup.sh no longer installs it: drop it from not_for_build in $0"
done
for p in "${setup_packages[@]}"; do
  if [[ -n ${not_for_build[$p]:-} ]]; then
    [[ -z ${in_build[$p]:-} ]] ||
      fail "the build stage installs '$p', which the build does not need (${not_for_build[$p]}); remove it from the Dockerfile"
  elif [[ -z ${in_build[$p]:-} ]]; then
    fail "scripts/setup.sh installs '$p' but the Dockerfile's build stage does not: add it to its apt-get install (or, if only the tests need it, to not_for_build in $0 with the reason)"
  fi
done
for p in "${build_packages[@]}"; do
  [[ -n ${in_setup[$p]:-} ]] ||
    fail "the Dockerfile's build stage installs '$p', which scripts/setup.sh does not: the image must build from the same packages as a developer machine; add it to setup.sh or drop it"
done

echo "setup.sh: ${setup_packages[*]}"
echo "build stage: ${build_packages[*]}"
finish dockerfile_packages
