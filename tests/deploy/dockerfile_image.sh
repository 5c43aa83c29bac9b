#!/usr/bin/env bash
# The container image's layout, read from the Dockerfile (no Docker engine needed): the build stage
# copies every component it builds, the runtime stage runs givewatch as a non-root user with /data
# as a volume, port 8080, a health check on /healthz that works with the installed tools, signal
# forwarding, and a default command that `givewatch --help` documents; .dockerignore keeps build
# trees, node_modules, data and .git out of the build context.
# Usage: dockerfile_image.sh SOURCE_DIR GIVEWATCH_BINARY
set -euo pipefail
root=$1
binary=$(readlink -m "$2")
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x $binary ]] || { fail "no givewatch binary at $binary (build the givewatch target first)"; finish dockerfile_image; }

dockerfile=$root/Dockerfile
stages=$(dockerfile_stages "$dockerfile")
build=$(dockerfile_stage "$dockerfile" 1)
runtime=$(dockerfile_stage "$dockerfile" "$stages")
((stages >= 2)) || fail "the Dockerfile must have a build stage and a runtime stage; it has $stages"

# --- build stage: every component folder of CMakeLists.txt is copied ----------------------------
grep -qE '^COPY[[:space:]]+CMakeLists\.txt[[:space:]]' <<<"$build" || fail "the build stage does not COPY CMakeLists.txt"
while read -r component; do
  [[ $component == tests || $component == bench ]] && continue  # switched off in the image
  grep -qE "^COPY[[:space:]]+(\./)?${component}/?[[:space:]]" <<<"$build" ||
    fail "CMakeLists.txt builds '$component/' (add_subdirectory) but the Dockerfile's build stage does not COPY it"
done < <(sed -nE 's/^[[:space:]]*add_subdirectory\(([A-Za-z0-9_-]+)\).*/\1/p' "$root/CMakeLists.txt")
grep -qE -- '--target[[:space:]]+givewatch([[:space:]]|$)' <<<"$build" || fail "the build stage does not build the givewatch target (cmake --build ... --target givewatch)"

# --- runtime stage -------------------------------------------------------------------------------
mapfile -t runtime_packages < <(apt_packages <<<"$runtime")
installs() { printf '%s\n' "${runtime_packages[@]}" | grep -qx -- "$1"; }

grep -qE '^COPY[[:space:]]+--from=build[[:space:]]+\S*/givewatch[[:space:]]' <<<"$runtime" ||
  fail "the runtime stage does not COPY --from=build the givewatch binary"
installs ca-certificates || fail "the runtime stage must install ca-certificates: https RPC providers are verified against the system CA store"

user=$(grep -E '^USER[[:space:]]' <<<"$runtime" | tail -1 | awk '{print $2}')
user_name=${user%%:*}
if [[ -z $user_name || $user_name == root || $user_name == 0 ]]; then
  fail "the runtime stage must end with a non-root USER; it has '${user:-none}'"
elif [[ ! $user_name =~ ^[0-9]+$ ]] && ! grep -qE "useradd[^&;]*[[:space:]]${user_name}([[:space:]]|$)" <<<"$runtime"; then
  fail "USER $user_name is not created in the runtime stage (useradd)"
fi

grep -qE '^VOLUME[[:space:]]+(\[[[:space:]]*"/data"[[:space:]]*\]|/data)([[:space:]]|$)' <<<"$runtime" ||
  fail "the runtime stage must declare VOLUME /data (the RocksDB data directory)"
if [[ -n $user_name && $user_name != root && $user_name != 0 ]]; then
  grep -qE "chown[[:space:]]+[^&;]*${user_name}[^&;]*[[:space:]]/data([[:space:]]|$)" <<<"$runtime" ||
    fail "/data must be chowned to USER $user_name before VOLUME, or givewatch cannot create its database there"
fi
grep -qE '^EXPOSE[[:space:]]+8080(/tcp)?([[:space:]]|$)' <<<"$runtime" || fail "the runtime stage must EXPOSE 8080"

health=$(grep -E '^HEALTHCHECK[[:space:]]' <<<"$runtime" || true)
if [[ -z $health ]]; then
  fail "the runtime stage has no HEALTHCHECK"
else
  grep -q 'http://127\.0\.0\.1:8080/healthz' <<<"$health" || fail "the HEALTHCHECK must ask http://127.0.0.1:8080/healthz: $health"
  if grep -q 'busybox' <<<"$health"; then
    installs busybox || fail "the HEALTHCHECK runs busybox, which the runtime stage does not install"
    # Debian 12's busybox is built without FEATURE_WGET_TIMEOUT: `wget -T N` crashes (SIGSEGV).
    grep -qE '"-T"|[[:space:]]-T[[:space:]]|"-T[0-9]' <<<"$health" &&
      fail "the HEALTHCHECK passes -T to busybox wget, which crashes on Debian 12's busybox; rely on HEALTHCHECK --timeout"
  elif grep -q 'curl' <<<"$health"; then
    installs curl || fail "the HEALTHCHECK runs curl, which the runtime stage does not install"
  elif grep -qE '(^|[^a-z])wget' <<<"$health"; then
    installs wget || fail "the HEALTHCHECK runs wget, which the runtime stage does not install"
  fi
fi

# PID 1: an init that forwards SIGTERM, or givewatch itself (which handles SIGTERM).
entrypoint=$(grep -E '^ENTRYPOINT[[:space:]]' <<<"$runtime" | tail -1 || true)
for init in tini dumb-init; do
  if grep -q "/$init\"" <<<"$entrypoint"; then
    installs "$init" || fail "ENTRYPOINT runs $init, which the runtime stage does not install"
  fi
done

# The default command: exec form, documented by `givewatch --help`, and accepted by its parser.
cmd=$(grep -E '^CMD[[:space:]]' <<<"$runtime" | tail -1 || true)
if [[ ! $cmd =~ ^CMD[[:space:]]+\[(.*)\][[:space:]]*$ ]]; then
  fail "the runtime stage needs an exec-form CMD [\"givewatch\", ...]; it has '${cmd:-none}'"
else
  mapfile -t words < <(grep -oE '"[^"]*"' <<<"${BASH_REMATCH[1]}" | sed -E 's/^"(.*)"$/\1/')
  [[ $(basename "${words[0]}") == givewatch ]] || fail "CMD must run givewatch; it runs '${words[0]}'"
  args=("${words[@]:1}")
  expected=(run --config /etc/givewatch/givewatch.toml)
  [[ "${args[*]}" == "${expected[*]}" ]] || fail "CMD must be 'givewatch ${expected[*]}'; it is 'givewatch ${args[*]}'"
  help=$("$binary" --help)
  why=$(documented_command "$help" "${args[@]}") || fail "CMD: $why"
  # Appending --help makes givewatch parse every option of the command line, then print usage.
  "$binary" "${args[@]}" --help >/dev/null 2>&1 || fail "givewatch rejects the CMD's command line: givewatch ${args[*]}"
fi

# The image's version label follows the CMake project's version.
project_version=$(sed -nE 's/^project\(givewatch VERSION ([0-9.]+).*/\1/p' "$root/CMakeLists.txt")
label_version=$(sed -nE 's/^ARG VERSION=([0-9A-Za-z.+-]+)$/\1/p' <<<"$runtime")
[[ -n $project_version && $label_version == "$project_version" ]] ||
  fail "ARG VERSION in the runtime stage (for org.opencontainers.image.version) is '${label_version:-missing}'; CMakeLists.txt says '$project_version'"
# shellcheck disable=SC2016 # a literal ${VERSION}
grep -q 'org.opencontainers.image.version="${VERSION}"' <<<"$runtime" || fail "the runtime stage has no org.opencontainers.image.version label from \${VERSION}"

# --- .dockerignore -------------------------------------------------------------------------------
ignore=$root/.dockerignore
if [[ ! -f $ignore ]]; then
  fail "there is no .dockerignore: build trees, node_modules and data would be sent to the builder"
else
  for pattern in .git build 'build-*' '**/node_modules' data; do
    grep -qxF -- "$pattern" "$ignore" || fail ".dockerignore does not exclude $pattern"
  done
fi

finish dockerfile_image
