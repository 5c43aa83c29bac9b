#!/usr/bin/env bash
# Every shared library the givewatch binary loads comes from a Debian package that the Dockerfile's
# runtime stage installs (or that debian:12-slim already has), and the runtime stage installs no
# library package the binary does not load. Builds nothing: it reads a built binary with ldd and
# maps each library to its package with dpkg -S.
# Usage: runtime_libraries.sh SOURCE_DIR GIVEWATCH_BINARY --sanitized|--plain BUILD_TYPE
#   --sanitized: the binary was built with GIVEWATCH_SANITIZE (ASan + UBSan); their runtime
#   libraries are part of that test build only, never of the image, and are not looked for.
#   The image builds with Release. Only an optimized, unsanitized build (Release, RelWithDebInfo,
#   MinSizeRel) loads the same libraries: Debian's gcc links with --as-needed except under
#   -fsanitize, and unoptimized code keeps references that inlining removes. For other builds a
#   library the image lacks is reported, not failed; everything else is checked the same.
set -euo pipefail
root=$1
binary=$(readlink -m "$2")
sanitized=${3:-}
build_type=${4:-}
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dockerfile=$root/Dockerfile

like_image=1
if [[ $sanitized == --sanitized || ! $build_type =~ ^(Release|RelWithDebInfo|MinSizeRel)$ ]]; then
  like_image=0
  echo "partial check: this build (${build_type:-no build type}${sanitized:+, $sanitized}) does not link like the image's Release build; libraries the image lacks are only reported"
fi

command -v ldd >/dev/null || skip "no ldd on this machine"
command -v dpkg >/dev/null || skip "no dpkg on this machine: not Debian, so libraries cannot be mapped to Debian packages"
[[ -x $binary ]] || { fail "no givewatch binary at $binary"; finish runtime_libraries; }

# In debian:12-slim already, as apt and dpkg themselves need them.
declare -A in_base_image=(
  [libc6]="the C library, dynamic loader and libm"
  [libgcc-s1]="the GCC runtime (unwinding)"
  [libstdc++6]="the C++ standard library"
)
# What the runtime stage installs that no library lookup finds, each with why.
declare -A not_libraries=(
  [ca-certificates]="the system CA store, for https RPC providers"
  [tini]="PID 1: forwards signals to givewatch and reaps"
  [dumb-init]="PID 1: forwards signals to givewatch and reaps"
  [busybox]="its wget is the HEALTHCHECK's HTTP client"
)

ldd_out=$(ldd "$binary" 2>&1) || { fail "ldd $binary failed: $ldd_out"; finish runtime_libraries; }
if grep -q 'not found' <<<"$ldd_out"; then
  while read -r line; do fail "ldd: $line (the binary needs a library this machine lacks)"; done < <(grep 'not found' <<<"$ldd_out")
fi

# package_of PATH: the Debian package that owns the library at PATH. /lib is a link to /usr/lib on
# Debian 12, and dpkg knows each file under one of the two names, so both are tried.
package_of() {
  local path=$1 real candidates=() c out
  real=$(readlink -f "$path")
  candidates=("$path" "$real")
  for c in "$path" "$real"; do
    case $c in
      /usr/*) candidates+=("${c#/usr}") ;;
      *) candidates+=("/usr$c") ;;
    esac
  done
  for c in "${candidates[@]}"; do
    out=$(dpkg -S "$c" 2>/dev/null | grep -v '^diversion by' | head -1) || true
    if [[ -n $out ]]; then
      # "libssl3:amd64: /usr/lib/..." -> libssl3 (the first, if several packages share the file).
      out=${out%%: /*}
      out=${out%%,*}
      echo "${out%%:*}"
      return 0
    fi
  done
  return 1
}

declare -A needed=()  # package -> libraries
while read -r path; do
  name=$(basename "$path")
  if [[ $sanitized == --sanitized && $name =~ ^lib(asan|ubsan|lsan|tsan|hwasan)\.so ]]; then
    echo "skipped (sanitizer runtime of this test build): $name"
    continue
  fi
  if ! pkg=$(package_of "$path"); then
    fail "$path (from ldd) belongs to no Debian package: the image cannot install it with apt; link it statically or use a packaged library"
    continue
  fi
  needed[$pkg]="${needed[$pkg]:+${needed[$pkg]} }$name"
done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out" | sort -u)

if [[ $sanitized != --sanitized ]]; then
  for pkg in "${!needed[@]}"; do
    [[ $pkg =~ ^lib(asan|ubsan|lsan|tsan|hwasan)[0-9]*$ ]] &&
      fail "the binary loads ${needed[$pkg]} (package $pkg), a sanitizer runtime, but GIVEWATCH_SANITIZE is off"
  done
fi

stages=$(dockerfile_stages "$dockerfile")
runtime_from=$(dockerfile_stage "$dockerfile" "$stages" | head -1)
if ! grep -qiE '^FROM[[:space:]]+(docker\.io/(library/)?)?debian:(12|bookworm)-slim(@sha256:[0-9a-f]+)?([[:space:]]|$)' <<<"$runtime_from"; then
  fail "the Dockerfile's last stage must be FROM debian:12-slim (the base packages below assume it); it is '$runtime_from'"
fi
mapfile -t runtime_packages < <(dockerfile_stage "$dockerfile" "$stages" | apt_packages)
declare -A in_runtime=()
for p in "${runtime_packages[@]}"; do in_runtime[$p]=1; done

for pkg in $(printf '%s\n' "${!needed[@]}" | sort); do
  if [[ -n ${in_base_image[$pkg]:-} ]]; then
    echo "in debian:12-slim: $pkg (${needed[$pkg]})"
  elif [[ -n ${in_runtime[$pkg]:-} ]]; then
    echo "installed: $pkg (${needed[$pkg]})"
  elif ((like_image)); then
    fail "the binary loads ${needed[$pkg]} from package '$pkg', which the Dockerfile's runtime stage does not install: add $pkg to its apt-get install"
  else
    echo "not in the image: $pkg (${needed[$pkg]}); fine unless a Release build loads it too"
  fi
done
for pkg in "${runtime_packages[@]}"; do
  [[ -n ${needed[$pkg]:-} || -n ${in_base_image[$pkg]:-} || -n ${not_libraries[$pkg]:-} ]] ||
    fail "the runtime stage installs '$pkg', but the binary loads no library from it: remove it (or, if it is needed for another reason, add it to not_libraries in $0 with the reason)"
done

finish runtime_libraries
