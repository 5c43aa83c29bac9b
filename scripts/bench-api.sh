#!/usr/bin/env bash
# API benchmark: GET /v1/campaigns/{id} of a running givewatch against nginx serving the same JSON
# body as a static file, with the same wrk load; then the same request while givewatch backfills a
# chain, to show that reads do not stall while a backfill writes. Prints figures, not pass/fail.
#
#   1. A devnet (docs/devnet.md) with 200 donations on each of bsc and aurora (400 to the four
#      campaigns; no noise transfers: some are sent from a campaign's celo address, which the first
#      configuration below leaves out, so they would count), and celo filled with --backfill-blocks
#      blocks of --per-block Transfer logs to the measured campaign (bench-populate).
#   2. givewatch (Release) indexing bsc and aurora only, caught up (/readyz, totals = what was sent).
#   3. nginx (Debian's, 1 worker process, access log off, open file cache, sendfile off, unlimited
#      keep-alive requests, as an unprivileged foreground process with its own prefix, pid and logs)
#      serving the body givewatch returned, byte for byte, at the same path, on a free loopback port.
#   4. wrk against each, interleaved: a 2 s warm-up each, then --runs runs of --duration seconds each;
#      the run with the median req/s is reported.
#   5. givewatch restarted with celo added, so it backfills celo's logs; wrk runs back to back in
#      1-second slices from the moment the API answers until the backfill is complete.
#
# wrk: --threads (default 1) and --connections (default 50). The machine has 2 cores: one wrk thread
# on one, the server on the other. givewatch answers HTTP on one thread (its watchers and writer have
# their own), and nginx runs one worker, so both servers get one core for HTTP.
#
# Usage: scripts/bench-api.sh [--duration S] [--runs N] [--threads T] [--connections C]
#                             [--campaign ID] [--backfill-blocks N] [--per-block K]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
duration=10
runs=3
threads=1
connections=50
campaign=memorial
backfill_blocks=20000
per_block=10
usage() {
  echo "usage: $0 [--duration S] [--runs N] [--threads T] [--connections C] [--campaign ID] [--backfill-blocks N] [--per-block K]" >&2
  exit 2
}
while (($#)); do
  [[ $# -ge 2 ]] || usage
  case $1 in
    --duration) duration=$2 ;;
    --runs) runs=$2 ;;
    --threads) threads=$2 ;;
    --connections) connections=$2 ;;
    --campaign) campaign=$2 ;;
    --backfill-blocks) backfill_blocks=$2 ;;
    --per-block) per_block=$2 ;;
    *) usage ;;
  esac
  shift 2
done
for n in "$duration" "$runs" "$threads" "$connections" "$backfill_blocks" "$per_block"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || usage
done
[[ $campaign =~ ^[a-z0-9-]+$ ]] || usage

# --- what it needs: scripts/setup.sh, wrk and nginx from Debian, givewatch in Release --------------
# Any nginx will do (nginx-light too); procps for pgrep, which finds nginx's worker.
extra=(wrk curl procps)
[[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || extra+=(nginx)
"$root/scripts/setup.sh" "${extra[@]}" >/dev/null
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

build_release givewatch || { echo "bench-api: the build failed" >&2; exit 1; }
givewatch="$root/build-release/daemon/givewatch"
devnet="$root/scripts/devnet/devnet"

# --- processes, cleaned up at exit ----------------------------------------------------------------
work=$(mktemp -d /tmp/givewatch-bench-api-XXXXXX)
chmod 755 "$work" # nginx runs as nobody when this script runs as root
up_pid=""
gw_pid=""
nginx_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [[ -n $gw_pid ]] && kill -TERM "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null || true
  [[ -n $up_pid ]] && kill -TERM "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench-api: $*" >&2
  exit 1
}

# --- 1. the devnet --------------------------------------------------------------------------------
"$devnet" up --dir "$work/devnet" --ports auto --api-port auto >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 1200); do grep -q '^READY$' "$work/up.log" && break; kill -0 "$up_pid" 2>/dev/null || break; sleep 0.1; done
grep -q '^READY$' "$work/up.log" || { cat "$work/up.log" >&2; die "the devnet did not start"; }
manifest="$work/devnet/devnet.json"
api=$(json 'd.api' <"$manifest")
gw_url="http://$api/v1/campaigns/$campaign"

echo "populating: 200 donations on each of bsc and aurora; $backfill_blocks blocks x $per_block logs on celo..."
sent=0
seed=1
for chain in bsc aurora; do
  n=$("$devnet" traffic --manifest "$manifest" --chain "$chain" --donations 200 --seed "$seed" --quiet | json 'd.donations.length')
  sent=$((sent + n))
  seed=$((seed + 1))
  "$devnet" mine --manifest "$manifest" --chain "$chain" --blocks 5 --quiet >/dev/null
done
populate=$("$devnet" bench-populate --manifest "$manifest" --chain celo --campaign "$campaign" \
  --blocks "$backfill_blocks" --per-block "$per_block" --quiet)
backfill_logs=$(json 'd.logs' <<<"$populate")
"$devnet" mine --manifest "$manifest" --chain celo --blocks 5 --quiet >/dev/null

# --- 2. givewatch on bsc and aurora, caught up ---------------------------------------------------
# The devnet's configuration without celo: its [[chains]] and [[tokens]] entries and the campaigns'
# celo addresses.
awk 'BEGIN { RS = ""; ORS = "\n\n" }
  /^\[\[chains\]\]/ && /name = "celo"/ { next }
  /^\[\[tokens\]\]/ && /chain = "celo"/ { next }
  { gsub(/\n  \{ chain = "celo"[^\n]*/, ""); print }' "$work/devnet/givewatch.toml" >"$work/without-celo.toml"

start_givewatch() { # CONFIG LOG
  "$givewatch" run --config "$1" >"$2" 2>&1 &
  gw_pid=$!
}
stop_givewatch() {
  kill -TERM "$gw_pid"
  local status=0
  wait "$gw_pid" || status=$?
  gw_pid=""
  ((status == 0)) || die "givewatch exited with status $status on SIGTERM"
}
counted() { # donations the API reports over all campaigns, pending and confirmed
  curl -fsS --max-time 2 "http://$api/v1/campaigns" 2>/dev/null |
    json 'd.campaigns.reduce((n, c) => n + c.confirmed.donations + c.pending.donations, 0)' 2>/dev/null || echo 0
}

start_givewatch "$work/without-celo.toml" "$work/givewatch-1.log"
for _ in $(seq 1 1200); do
  [[ $(counted) == "$sent" ]] && curl -fsS -o /dev/null --max-time 2 "http://$api/readyz" 2>/dev/null && break
  kill -0 "$gw_pid" 2>/dev/null || { cat "$work/givewatch-1.log" >&2; die "givewatch exited"; }
  sleep 0.1
done
[[ $(counted) == "$sent" ]] || die "givewatch reports $(counted) donations, $sent were sent"

# --- 3. nginx serving the same body ---------------------------------------------------------------
mkdir -p "$work/www/v1/campaigns" "$work/nginx/logs" "$work/nginx/tmp"
curl -fsS -o "$work/www/v1/campaigns/$campaign" "$gw_url"
body_bytes=$(wc -c <"$work/www/v1/campaigns/$campaign")
nginx_port=""
for _ in $(seq 1 100); do
  p=$((20000 + RANDOM % 40000))
  port_taken "$p" || { nginx_port=$p; break; }
done
[[ -n $nginx_port ]] || die "no free port for nginx"
cat >"$work/nginx/nginx.conf" <<EOF
# The API benchmark's nginx: one worker, the body as a static file, nothing logged per request.
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/client;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  default_type application/json;
  # For a 2 KB file, one pread + one writev costs nginx less CPU than sendfile (measured here: about
  # 8 against 10 us a request, with or without tcp_nopush); the file's descriptor stays open.
  sendfile off;
  open_file_cache max=64 inactive=600s;
  open_file_cache_valid 600s;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
EOF
nginx_cmd=("$nginx_bin" -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log")
if [[ $(id -u) -eq 0 ]]; then
  # Root: run it as nobody, with a prefix nobody owns.
  chown -R nobody "$work/nginx"
  nginx_cmd=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${nginx_cmd[@]}")
fi
"${nginx_cmd[@]}" >"$work/nginx/logs/stdout.log" 2>&1 &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port/v1/campaigns/$campaign"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$nginx_url" 2>/dev/null && break; sleep 0.05; done
cmp -s <(curl -fsS "$nginx_url") <(curl -fsS "$gw_url") ||
  { cat "$work/nginx/logs/"*.log >&2; die "nginx does not serve the body givewatch serves"; }

# --- 4. wrk ----------------------------------------------------------------------------------------
cat >"$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
# cpu_ns PID...: nanoseconds the processes' threads have spent on a CPU (from schedstat).
cpu_ns() {
  local pid t total=0 ns
  for pid in "$@"; do
    for t in "/proc/$pid/task/"*; do
      read -r ns _ <"$t/schedstat" 2>/dev/null || continue
      total=$((total + ns))
    done
  done
  echo "$total"
}
# run_wrk URL SECONDS [PID...]: prints "requests/s p50_ms p99_ms max_ms MB/s errors non2xx requests
# cpu_us" where cpu_us is the CPU time the PIDs (the server) spent per request, in microseconds: unlike
# requests/s, it hardly depends on what else the machine is running.
run_wrk() {
  local url=$1 secs=$2 out before after
  shift 2
  before=$(cpu_ns "$@")
  out=$(wrk -t "$threads" -c "$connections" -d "${secs}s" --latency -s "$work/report.lua" "$url")
  after=$(cpu_ns "$@")
  awk -v cpu=$((after - before)) '/^RESULT/ { s = $3 / 1e6; printf "%.0f %.3f %.3f %.3f %.2f %d %d %d %.2f\n", $2 / s, $5 / 1e3, $6 / 1e3, $7 / 1e3, $4 / s / 1048576, $8, $9, $2, cpu / 1e3 / $2 }' <<<"$out"
}
median_run() { sort -n -k1,1 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work on the machine skews figures)"
echo "wrk -t$threads -c$connections -d${duration}s --latency, $runs runs each, interleaved, after a 2 s warm-up; body $body_bytes bytes"
nginx_pids=("$nginx_pid" $(pgrep -P "$nginx_pid" || true)) # the master and its worker
run_wrk "$gw_url" 2 >/dev/null
run_wrk "$nginx_url" 2 >/dev/null
: >"$work/gw.runs"
: >"$work/nginx.runs"
for i in $(seq 1 "$runs"); do
  r=$(run_wrk "$gw_url" "$duration" "$gw_pid")
  echo "$r" >>"$work/gw.runs"
  read -r rps p50 p99 max mbs errs non2xx _ cpu <<<"$r"
  printf '  run %d  givewatch %7s req/s  p50 %6s ms  p99 %7s ms  max %8s ms  %5s us CPU/req  errors %s/%s\n' "$i" "$rps" "$p50" "$p99" "$max" "$cpu" "$errs" "$non2xx"
  r=$(run_wrk "$nginx_url" "$duration" "${nginx_pids[@]}")
  echo "$r" >>"$work/nginx.runs"
  read -r rps p50 p99 max mbs errs non2xx _ cpu <<<"$r"
  printf '  run %d  nginx     %7s req/s  p50 %6s ms  p99 %7s ms  max %8s ms  %5s us CPU/req  errors %s/%s\n' "$i" "$rps" "$p50" "$p99" "$max" "$cpu" "$errs" "$non2xx"
done
read -r g_rps g_p50 g_p99 g_max g_mbs g_err g_non _ _ < <(median_run <"$work/gw.runs")
read -r n_rps n_p50 n_p99 n_max n_mbs n_err n_non _ _ < <(median_run <"$work/nginx.runs")
# CPU per request: the median over the runs, of each server separately.
median_cpu() { cut -d' ' -f9 "$1" | sort -g | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }
g_cpu=$(median_cpu "$work/gw.runs")
n_cpu=$(median_cpu "$work/nginx.runs")
gw_rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$gw_pid/status")

# --- 5. the same reads while givewatch backfills celo ----------------------------------------------
stop_givewatch
start_givewatch "$work/devnet/givewatch.toml" "$work/givewatch-2.log"
for _ in $(seq 1 2000); do
  curl -fsS -o /dev/null --max-time 1 "http://$api/healthz" 2>/dev/null && break
  kill -0 "$gw_pid" 2>/dev/null || { cat "$work/givewatch-2.log" >&2; die "givewatch exited"; }
  sleep 0.01
done
# Per thread of givewatch (and the celo node): nanoseconds on a CPU and waiting for one, from
# /proc/PID/task/TID/schedstat, before and after, to tell CPU contention from a stall on a lock.
schedstats() { for t in "/proc/$1/task/"*; do echo "${t##*/} $(cat "$t/schedstat" 2>/dev/null || echo 0 0 0)"; done | sort; }
celo_pid=$(json 'd.chains.find((c) => c.name === "celo").pid' <"$manifest")
schedstats "$gw_pid" >"$work/sched.0"
schedstats "$celo_pid" >"$work/sched-celo.0"
t0=$(date +%s.%N)
: >"$work/backfill.runs"
slices=0
while ! grep -q "celo: backfill complete" "$work/givewatch-2.log"; do
  kill -0 "$gw_pid" 2>/dev/null || { cat "$work/givewatch-2.log" >&2; die "givewatch exited during the backfill"; }
  ((slices < 600)) || die "the backfill did not finish within 600 slices"
  run_wrk "$gw_url" 1 >>"$work/backfill.runs"
  slices=$((slices + 1))
done
t1=$(date +%s.%N)
schedstats "$gw_pid" >"$work/sched.1"
schedstats "$celo_pid" >"$work/sched-celo.1"
# The backfill's duration as givewatch logs it: "celo: backfill complete: ..., N logs in S s (...)".
backfill_line=$(grep "celo: backfill complete" "$work/givewatch-2.log")
bf_s=$(sed -E 's/.* logs in ([0-9.]+) s.*/\1/' <<<"$backfill_line")
[[ $bf_s =~ ^[0-9.]+$ ]] || die "cannot read the backfill's duration from: $backfill_line"
wrk_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
# The thread that ran most is the API's (wrk kept it busy all along); the others are the watchers,
# the writer and RocksDB's.
read -r api_run api_wait all_run all_wait < <(join "$work/sched.0" "$work/sched.1" | awk '
  { run = ($5 - $2) / 1e6; wait = ($6 - $3) / 1e6; all_run += run; all_wait += wait; if (run > max_run) { max_run = run; max_wait = wait } }
  END { printf "%.0f %.0f %.0f %.0f\n", max_run, max_wait, all_run, all_wait }')
read -r celo_run celo_wait < <(join "$work/sched-celo.0" "$work/sched-celo.1" | awk '
  { run += ($5 - $2) / 1e6; wait += ($6 - $3) / 1e6 } END { printf "%.0f %.0f\n", run, wait }')
# Over the slices: requests/s over all of them; p50 and p99 the median of the slices', p99 and max
# also the worst slice's.
median_col() { cut -d' ' -f"$1" "$work/backfill.runs" | sort -g | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }
read -r b_rps b_p99w b_maxw b_err b_non < <(awk '
  { req += $8; secs += $8 / $1; if ($3 > w99) w99 = $3; if ($4 > wmax) wmax = $4; err += $6; non += $7 }
  END { printf "%.0f %.3f %.3f %d %d\n", req / secs, w99, wmax, err, non }' "$work/backfill.runs")
b_p50=$(median_col 2)
b_p99=$(median_col 3)
[[ $(counted) -gt $sent ]] || die "the backfill added no donations"
echo "during the backfill ($slices slices of 1 s):"
awk '{ printf "  slice %2d  %8s req/s  p50 %6s ms  p99 %6s ms  max %7s ms\n", NR, $1, $2, $3, $4 }' "$work/backfill.runs"

# --- the table --------------------------------------------------------------------------------------
ratio=$(awk -v g="$g_rps" -v n="$n_rps" 'BEGIN { printf "%.3f", g / n }')
p99_ok=$(awk -v p="$g_p99" 'BEGIN { print (p <= 6 ? "yes" : "no") }')
ratio_ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.8 ? "met" : "missed") }')
echo
echo "GET /v1/campaigns/$campaign ($body_bytes-byte JSON body; $sent donations on 2 chains indexed)"
echo "wrk -t$threads -c$connections -d${duration}s --latency; median of $runs runs by req/s"
printf '\n%-28s %14s %14s %14s\n' "" "givewatch" "nginx (static)" "during backfill"
printf '%-28s %14s %14s %14s\n' "requests/s" "$g_rps" "$n_rps" "$b_rps"
printf '%-28s %14s %14s %14s\n' "latency p50 (ms)" "$g_p50" "$n_p50" "$b_p50"
printf '%-28s %14s %14s %14s\n' "latency p99 (ms)" "$g_p99" "$n_p99" "$b_p99"
printf '%-28s %14s %14s %14s\n' "latency p99, worst (ms)" "" "" "$b_p99w"
printf '%-28s %14s %14s %14s\n' "latency max (ms)" "$g_max" "$n_max" "$b_maxw"
printf '%-28s %14s %14s %14s\n' "transfer/s (MB)" "$g_mbs" "$n_mbs" ""
printf '%-28s %14s %14s %14s\n' "server CPU per request (us)" "$g_cpu" "$n_cpu" ""
printf '%-28s %14s %14s %14s\n' "socket errors / non-2xx" "$g_err/$g_non" "$n_err/$n_non" "$b_err/$b_non"
echo
printf '%-44s %8.2fx  (%s)\n' "req/s givewatch / nginx (target >= 0.8)" "$ratio" "$ratio_ok"
printf '%-44s %8.2fx  (the req/s ratio were the CPU all theirs)\n' "CPU per request, nginx / givewatch" \
  "$(awk -v g="$g_cpu" -v n="$n_cpu" 'BEGIN { print n / g }')"
printf '%-44s %8s ms (%s)\n' "givewatch p99 <= 6 ms" "$g_p99" "$p99_ok"
printf '%-44s %8.1f MB\n' "givewatch peak RSS (VmHWM) after the runs" "$(awk -v k="$gw_rss_kb" 'BEGIN { print k / 1024 }')"
printf '%-44s %8d logs in %.1f s (%.0f logs/s); wrk ran %s s, from the restart to past its end\n' \
  "backfill of celo under the read load" "$backfill_logs" "$bf_s" "$(awk -v l="$backfill_logs" -v s="$bf_s" 'BEGIN { print l / s }')" "$wrk_s"
echo "CPU time in those $wrk_s s (ms on a CPU / ms runnable but waiting for one):"
printf '  %-42s %6s / %s\n' "givewatch's API thread" "$api_run" "$api_wait"
printf '  %-42s %6s / %s\n' "givewatch, all threads" "$all_run" "$all_wait"
printf '  %-42s %6s / %s\n' "the celo node (Hardhat) serving eth_getLogs" "$celo_run" "$celo_wait"
stop_givewatch
