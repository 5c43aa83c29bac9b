#!/usr/bin/env bash
# deploy/givewatch.service has the hardening, restart and environment settings docs/operations.md
# promises, and its ExecStartPre/ExecStart command lines are ones `givewatch --help` documents and
# the binary's parser accepts. When systemd-analyze is installed, the unit also passes
# `systemd-analyze verify` (with the binary path pointed at the built binary).
# Usage: unit_file.sh SOURCE_DIR GIVEWATCH_BINARY
set -euo pipefail
root=$1
binary=$(readlink -m "$2")
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -x $binary ]] || { fail "no givewatch binary at $binary (build the givewatch target first)"; finish unit_file; }

unit=$root/deploy/givewatch.service
config=/etc/givewatch/givewatch.toml
[[ -f $unit ]] || { fail "no $unit"; finish unit_file; }

# values KEY: every value the unit assigns to KEY, one per line (keys may repeat).
values() {
  sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*(.*[^[:space:]]|)[[:space:]]*$/\1/p" "$unit"
}
# expect KEY VALUE: KEY is set to exactly VALUE (the last assignment is the one compared).
expect() {
  local key=$1 want=$2 got
  if ! grep -qE "^[[:space:]]*${key}[[:space:]]*=" "$unit"; then
    fail "$key= is not set; expected '$key=$want'"
    return
  fi
  got=$(values "$key" | tail -1)
  [[ $got == "$want" ]] || fail "$key is '$got'; expected '$key=$want'"
}

expect StateDirectory givewatch
expect ProtectSystem strict
expect ProtectHome yes
expect PrivateTmp yes
expect NoNewPrivileges yes
expect ProtectKernelTunables yes
expect ProtectKernelModules yes
expect ProtectKernelLogs yes
expect ProtectControlGroups yes
expect LockPersonality yes
expect MemoryDenyWriteExecute yes
expect CapabilityBoundingSet ""
expect EnvironmentFile /etc/givewatch/givewatch.env
expect KillSignal SIGTERM

# A dynamic user, or a dedicated one; never root.
dynamic=$(values DynamicUser | tail -1)
user=$(values User | tail -1)
if [[ $dynamic != yes && ( -z $user || $user == root || $user == 0 ) ]]; then
  fail "the unit must run as DynamicUser=yes or a dedicated User=, not as root"
fi

values ReadWritePaths | tr ' ' '\n' | sed 's/^-//' | grep -qx /var/lib/givewatch ||
  fail "ReadWritePaths= must include the state directory /var/lib/givewatch"

families=$(values RestrictAddressFamilies | tail -1 | tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' ')
[[ $families == "AF_INET AF_INET6 AF_UNIX " ]] ||
  fail "RestrictAddressFamilies is '$families'; expected exactly AF_INET AF_INET6 AF_UNIX"
values SystemCallFilter | tr ' ' '\n' | grep -qx '@system-service' ||
  fail "SystemCallFilter= must allow @system-service (and nothing broader)"

restart=$(values Restart | tail -1)
[[ $restart == on-failure || $restart == always ]] || fail "Restart is '${restart:-unset}'; expected on-failure or always"
[[ -n $(values RestartSec | tail -1) ]] || fail "RestartSec= is not set: a failing start would be retried at systemd's 100 ms default"
[[ -n $(values TimeoutStopSec | tail -1) ]] || fail "TimeoutStopSec= is not set"

# ExecStartPre checks the configuration, ExecStart runs the daemon, both with the same file.
help=$("$binary" --help)
check_command() {
  local key=$1 sub=$2 line words exe
  line=$(values "$key" | tail -1)
  [[ -n $line ]] || { fail "$key= is not set; expected 'givewatch $sub --config $config'"; return; }
  read -ra words <<<"$line"
  exe=${words[0]#[-@:+!]}
  [[ $exe == /* && $(basename "$exe") == givewatch ]] || fail "$key runs '$exe'; expected an absolute path to givewatch"
  local args=("${words[@]:1}")
  [[ ${args[0]:-} == "$sub" ]] || fail "$key runs 'givewatch ${args[*]}'; expected 'givewatch $sub ...'"
  local why
  why=$(documented_command "$help" "${args[@]}") || fail "$key: $why"
  "$binary" "${args[@]}" --help >/dev/null 2>&1 || fail "givewatch rejects $key's command line: givewatch ${args[*]}"
  [[ " ${args[*]} " == *" --config $config "* ]] || fail "$key must use --config $config; it runs 'givewatch ${args[*]}'"
}
check_command ExecStartPre check
check_command ExecStart run
[[ $(values ExecStart | wc -l) -eq 1 ]] || fail "ExecStart= is set more than once"

# systemd's own reading of the unit, where systemd is installed.
if command -v systemd-analyze >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  exe=$(values ExecStart | tail -1 | awk '{print $1}')
  sed "s|${exe#[-@:+!]}|$binary|g" "$unit" >"$tmp/givewatch.service"
  if out=$(systemd-analyze verify "$tmp/givewatch.service" 2>&1); then
    echo "systemd-analyze verify: ok${out:+ ($out)}"
  else
    fail "systemd-analyze verify rejects the unit: $out"
  fi
else
  echo "systemd-analyze is not installed: the unit's syntax was not checked by systemd"
fi

finish unit_file
