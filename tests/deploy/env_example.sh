#!/usr/bin/env bash
# deploy/givewatch.env.example names exactly the ${VAR}s of config/mainnet.toml, in a format both
# systemd's EnvironmentFile= and `docker run --env-file` read the same way; filled in, it makes
# `givewatch check` (the unit's ExecStartPre) accept mainnet.toml, and left empty, it makes the check
# fail naming every variable.
# Usage: env_example.sh SOURCE_DIR GIVEWATCH_BINARY
set -euo pipefail
root=$1
binary=$(readlink -m "$2")
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x $binary ]] || { fail "no givewatch binary at $binary (build the givewatch target first)"; finish env_example; }

example=$root/deploy/givewatch.env.example
config=$root/config/mainnet.toml

# ${NAME} references outside comment lines; $${ is a literal "${" in givewatch's configuration.
mapfile -t config_vars < <(
  grep -vE '^[[:space:]]*#' "$config" |
    grep -oE '(^|[^$])\$\{[A-Za-z_][A-Za-z0-9_]*\}' |
    sed -E 's/.*\$\{([A-Za-z0-9_]+)\}/\1/' | sort -u
)
((${#config_vars[@]})) || fail "found no \${VAR} in $config"

line_no=0
example_vars=()
while IFS= read -r line || [[ -n $line ]]; do
  line_no=$((line_no + 1))
  [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
  if [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=([^\"\'\\[:space:]]*)$ ]]; then
    example_vars+=("${BASH_REMATCH[1]}")
  else
    fail "$example:$line_no: '$line' is not NAME=value without quotes, backslashes or spaces (systemd and docker --env-file would read it differently)"
  fi
done <"$example"
mapfile -t example_vars < <(printf '%s\n' "${example_vars[@]}" | sort)
duplicates=$(printf '%s\n' "${example_vars[@]}" | uniq -d)
[[ -z $duplicates ]] || fail "$example sets $(tr '\n' ' ' <<<"$duplicates")more than once"

missing=$(comm -23 <(printf '%s\n' "${config_vars[@]}") <(printf '%s\n' "${example_vars[@]}" | sort -u))
extra=$(comm -13 <(printf '%s\n' "${config_vars[@]}") <(printf '%s\n' "${example_vars[@]}" | sort -u))
[[ -z $missing ]] || fail "config/mainnet.toml uses $(tr '\n' ' ' <<<"$missing")but $example does not list it"
[[ -z $extra ]] || fail "$example lists $(tr '\n' ' ' <<<"$extra")which config/mainnet.toml does not use"

# run_check VAR=VALUE...: `givewatch check --config mainnet.toml` in an environment of just these.
run_check() {
  local keep=()
  for v in PATH HOME ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    [[ -n ${!v:-} ]] && keep+=("$v=${!v}")
  done
  env -i "${keep[@]}" "$@" "$binary" check --config "$config"
}

# Filled in with values of the right shape, the file configures a valid daemon.
filled=()
n=0
for v in "${config_vars[@]}"; do
  n=$((n + 1))
  case $v in
    *_URL) filled+=("$v=https://rpc-$n.provider.example/v3/KEY-$n") ;;
    *_ADDRESS) filled+=("$v=0x$(printf '%040x' "$n")") ;;
    *) fail "no test value for $v: this test knows *_URL and *_ADDRESS variables; teach it the new kind" ;;
  esac
done
if out=$(run_check "${filled[@]}" 2>&1); then
  grep -q 'KEY-' <<<"$out" && fail "givewatch check printed an RPC URL's key: $out"
  echo "filled in: givewatch check accepts config/mainnet.toml"
else
  fail "with every variable of $example set, givewatch check rejects config/mainnet.toml: $out"
fi

# As shipped (empty values), the check fails and names each variable.
empty=()
for v in "${example_vars[@]}"; do empty+=("$v="); done
set +e
out=$(run_check "${empty[@]}" 2>&1)
status=$?
set -e
[[ $status -eq 2 ]] || fail "with $example as shipped, givewatch check exits $status, not 2: $out"
for v in "${config_vars[@]}"; do
  grep -qF "\${$v}" <<<"$out" || fail "with $example as shipped, givewatch check does not name \${$v}: $out"
done

finish env_example
