# shellcheck shell=bash
# Shared by the tests of tests/deploy: reporting, and reading a Dockerfile without Docker.
# Sourced, not run. Each test collects every problem it finds, then exits 1 if there was any.

failures=0

# fail MESSAGE...: records a problem and prints it; the test goes on to find the others.
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# finish NAME: the test's last line; exits 1 after any fail.
finish() {
  if ((failures)); then
    echo "$1: $failures problem(s)" >&2
    exit 1
  fi
  echo "$1: ok"
}

# skip MESSAGE: this machine cannot run the test (CTest counts exit 77 as skipped).
skip() {
  echo "SKIP: $*"
  exit 77
}

# dockerfile_instructions FILE: one line per instruction, as "STAGE<TAB>INSTRUCTION": continuation
# lines joined, comment and blank lines dropped (as Docker drops them, also inside a continuation).
# STAGE counts the FROM instructions, from 1.
dockerfile_instructions() {
  awk '
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { next }
    {
      line = $0
      if (line ~ /\\[[:space:]]*$/) {
        sub(/\\[[:space:]]*$/, "", line)
        buf = buf line " "
        next
      }
      buf = buf line
      if (toupper(buf) ~ /^[[:space:]]*FROM[[:space:]]/) stage++
      printf "%d\t%s\n", stage, buf
      buf = ""
    }
    END { if (buf != "") printf "%d\t%s\n", stage, buf }
  ' "$1"
}

# dockerfile_stage FILE N: the instructions of stage N (1 is the first FROM), without the prefix.
dockerfile_stage() {
  dockerfile_instructions "$1" | awk -F'\t' -v n="$2" '$1 == n { sub(/^[^\t]*\t/, ""); print }'
}

# dockerfile_stages FILE: how many stages (FROM instructions) there are.
dockerfile_stages() {
  dockerfile_instructions "$1" | awk -F'\t' 'END { print $1 + 0 }'
}

# apt_packages: reads instructions on stdin, prints the package names that the `apt-get install`
# commands of its RUN instructions name, one per line, sorted and unique (options are skipped).
apt_packages() {
  grep -iE '^[[:space:]]*RUN[[:space:]]' |
    grep -oE 'apt-get[[:space:]]+install[^&;|]*' |
    sed -E 's/^apt-get[[:space:]]+install//' |
    tr -s '[:blank:]' '\n' |
    grep -vE '^(-.*)?$' |
    sort -u || true
}

# documented_command HELP_TEXT WORD...: whether `givewatch WORD...` is a command line that
# `givewatch --help` documents: the subcommand has a usage line, and every option it uses is one
# of that line or of the Options section. Prints why not and returns 1 otherwise.
documented_command() {
  local help=$1
  shift
  local sub=${1:-}
  local usage
  usage=$(grep -E "^[[:space:]]*givewatch[[:space:]]+${sub}[[:space:]]" <<<"$help" || true)
  if [[ -z $sub || -z $usage ]]; then
    echo "'givewatch $*': '$sub' is not a command of givewatch --help"
    return 1
  fi
  local options
  options=$(sed -n '/^Options:/,/^$/p' <<<"$help")
  shift
  local word
  for word in "$@"; do
    [[ $word == -* ]] || continue
    local option=${word%%=*}
    if ! grep -qE -- "(^|[[:space:],])${option}([[:space:]=]|$)" <<<"$usage"$'\n'"$options"; then
      echo "'givewatch $sub $*': option '$option' is not in givewatch --help"
      return 1
    fi
  done
}
