#!/usr/bin/env bash
# Measures how long the Wharf launcher and CNCF distribution take from process start to their first HTTP 200 on
# GET /v2/, on this machine (127.0.0.1 only), and prints the medians and their ratio as a Markdown table, with the
# CPU each server had used by its first 200 (the work a start does, where the time also shows how it was spread
# over the cores); the same table goes to benchmarks/target/start-results.md.
#
# Each round starts, one after the other, on a fresh data directory and a free port:
#   Wharf                  java -Xmx128m -Xms32m -XX:+UseSerialGC (and the README's three inlining limits)
#                               -XX:SharedArchiveFile=wharf-registry.jsa
#                               -jar wharf-registry.jar --port P --data-dir D      (README's command)
#   Wharf without archive  the same without -XX:SharedArchiveFile                 (plain java -jar)
#   distribution           docker-registry serve config.yml                       (the HTTP harness's configuration,
#                                                                                  filesystem storage under D)
# and polls GET /v2/ every 5 ms until it answers 200, then stops the server with SIGTERM. The polling uses bash's
# own /dev/tcp, read and $EPOCHREALTIME, so it starts no process while a server starts. Rounds interleave the
# servers so that a noisy moment costs all of them alike.
#
# Builds nothing. Build first, from the repository root (the build writes the archive beside the jar):
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-start.sh [--rounds N]        (default 10; the median of 10 is the documented figure)
#
# Needs curl and docker-registry (Debian packages curl and docker-registry; installed here when run as root) and the
# benchmarks jar, whose DistributionConfig writes distribution's configuration.
set -euo pipefail

cd "$(dirname "$0")/.."

rounds=10
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --rounds=*) rounds=${1#--rounds=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-start.sh: unknown option '$1' (--rounds N)" >&2; exit 2 ;;
  esac
done
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
  echo "run-start.sh: --rounds must be a positive number, was '$rounds'" >&2
  exit 2
fi

jar=benchmarks/target/wharf-benchmarks.jar
launcher=test-registry/target/wharf-registry.jar
archive=test-registry/target/wharf-registry.jsa
for file in "$jar" "$launcher" "$archive"; do
  if [[ ! -f $file ]]; then
    echo "run-start.sh: $file is missing; build first: mvn -B -q package -DskipTests" >&2
    exit 2
  fi
done

source benchmarks/scripts.sh
install_missing curl curl
install_missing docker-registry docker-registry
require_program curl curl
require_program docker-registry docker-registry
warn_about_registry_service

work=$(mktemp -d "${TMPDIR:-/tmp}/wharf-start-XXXXXX")
# The server being measured, if any. Its pid is kept in a file: start_ms runs in a subshell.
stop_server() {
  if [[ -f $work/server.pid ]]; then
    local pid
    pid=$(cat "$work/server.pid")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
    rm -f "$work/server.pid"
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The HTTP harness's configuration for distribution; each start overrides its address and directory through the
# environment, as distribution reads REGISTRY_* variables.
java -cp "$jar" dev.wharf.bench.http.DistributionConfig "$work/distribution-data" 5000 >"$work/distribution.yml"

free_port() {
  local port status
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 20000))
    status=0
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" || status=$?
    if [[ $status -eq 7 ]]; then # curl could not connect: nothing listens there
      echo "$port"
      return 0
    fi
  done
  echo "run-start.sh: no free port found" >&2
  exit 1
}

# A FIFO nobody writes to: reading it with a timeout is a sleep that starts no process (see ready).
mkfifo "$work/tick"
exec {tick}<>"$work/tick"

# ready PORT: whether GET /v2/ on PORT answers 200 now. Bash's own /dev/tcp and read, so that polling starts no
# process: on two cores a curl and a sleep every 5 ms took three quarters of a core from the server being measured.
ready() {
  local port=$1 conn status=""
  if { exec {conn}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    printf 'GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&"$conn"
    IFS=' ' read -r -t 10 _ status _ <&"$conn" || true
    exec {conn}>&-
  fi
  [[ $status == 200 ]]
}

ticks_per_second=$(getconf CLK_TCK)

# cpu_ms PID: the CPU time (user and system) the process has used so far, in ms; read without starting a process.
cpu_ms() {
  local stat
  read -r stat <"/proc/$1/stat"
  stat=${stat##*) } # after the command name, which may hold spaces: field 3 onwards
  local fields=($stat)
  echo $(((fields[11] + fields[12]) * 1000 / ticks_per_second))
}

# start_ms NAME: starts one server, prints the milliseconds from its start to its first 200 on GET /v2/, and the
# milliseconds of CPU it had used by then.
start_ms() {
  local name=$1 port dir t0 t1 deadline pid cpu
  port=$(free_port)
  dir=$(mktemp -d "$work/$name-XXXXXX")
  t0=${EPOCHREALTIME/./}
  case $name in
    wharf) java "${small_server_jvm[@]}" -XX:SharedArchiveFile="$archive" \
             -jar "$launcher" --port "$port" --data-dir "$dir/data" >"$dir/log" 2>&1 & ;;
    plain) java "${small_server_jvm[@]}" \
             -jar "$launcher" --port "$port" --data-dir "$dir/data" >"$dir/log" 2>&1 & ;;
    distribution) REGISTRY_HTTP_ADDR=127.0.0.1:$port REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$dir/data \
             docker-registry serve "$work/distribution.yml" >"$dir/log" 2>&1 & ;;
  esac
  pid=$!
  echo "$pid" >"$work/server.pid"
  deadline=$((t0 + 60000000))
  until ready "$port"; do
    if ! kill -0 "$pid" 2>/dev/null || (( ${EPOCHREALTIME/./} > deadline )); then
      echo "run-start.sh: $name did not answer GET /v2/ with 200 within 60 s:" >&2
      cat "$dir/log" >&2
      stop_server
      exit 1
    fi
    read -r -t 0.005 -u "$tick" _ || true # 5 ms
  done
  t1=${EPOCHREALTIME/./}
  cpu=$(cpu_ms "$pid")
  stop_server
  rm -rf "$dir"
  echo "$(((t1 - t0) / 1000)) $cpu"
}

median() { # the median of the numbers given, rounded down
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  echo $(((sorted[(n - 1) / 2] + sorted[n / 2]) / 2))
}

declare -A times=([wharf]="" [plain]="" [distribution]="") cpus=([wharf]="" [plain]="" [distribution]="")
for round in $(seq "$rounds"); do
  line="round $round/$rounds:"
  for name in wharf plain distribution; do
    result=$(start_ms "$name") # a failed start ends the script here (set -e)
    read -r ms cpu <<<"$result"
    times[$name]+=" $ms"
    cpus[$name]+=" $cpu"
    line+=" $name ${ms} ms (CPU ${cpu} ms)"
  done
  echo "$line" >&2
done

wharf=$(median ${times[wharf]})
plain=$(median ${times[plain]})
distribution=$(median ${times[distribution]})
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

mkdir -p benchmarks/target
{
  echo "Start to first 200 on GET /v2/, median of $rounds ($(nproc) cores, $(date -u +%Y-%m-%d)):"
  echo
  echo "| server | median | each start (ms) | time / distribution's | CPU to the first 200, median |"
  echo "|---|---:|---|---:|---:|"
  echo "| Wharf, with its class-data archive | ${wharf} ms |${times[wharf]} | $(ratio "$wharf" "$distribution")× |" \
    "$(median ${cpus[wharf]}) ms |"
  echo "| Wharf, plain \`java -jar\` | ${plain} ms |${times[plain]} | $(ratio "$plain" "$distribution")× |" \
    "$(median ${cpus[plain]}) ms |"
  echo "| distribution | ${distribution} ms |${times[distribution]} | 1.00× | $(median ${cpus[distribution]}) ms |"
} | tee benchmarks/target/start-results.md
