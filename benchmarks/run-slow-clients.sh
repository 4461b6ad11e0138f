#!/usr/bin/env bash
# Holds the Wharf launcher and CNCF distribution, one after the other, with many slow clients on this machine
# (127.0.0.1 only): slow downloads, then trickling uploads, while a probe on a new connection per request
# measures how a new client is served. Prints a Markdown table per phase; the same tables go to
# benchmarks/target/slow-clients.md (--out to change).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-slow-clients.sh [harness options]   (benchmarks/run-slow-clients.sh --help lists them)
#   full run (1,000 downloads, 300 uploads, 30 s each; about 3 minutes):  benchmarks/run-slow-clients.sh
#   smoke run (about a minute):  benchmarks/run-slow-clients.sh --clients 100 --uploads 50 --seconds 10
#   a launcher flag under test:  benchmarks/run-slow-clients.sh --wharf-arg --some-limit=100
#
# Needs docker-registry (Debian package docker-registry; installed here when run as root). A connection is a
# file descriptor in this process and in the server: the open-file limit is raised to 65536 (or the hard
# limit) here, and both servers inherit it.
set -euo pipefail

cd "$(dirname "$0")/.."

for arg in "$@"; do
  if [[ $arg == --help || $arg == -h ]]; then
    help=1
  fi
done

jar=benchmarks/target/wharf-benchmarks.jar
launcher=test-registry/target/wharf-registry.jar
if [[ ! -f "$jar" ]]; then
  echo "run-slow-clients.sh: $jar is missing; build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi
if [[ -n ${help:-} ]]; then
  exec java -cp "$jar" dev.wharf.bench.slow.SlowClientMain --help
fi
if [[ ! -f "$launcher" ]]; then
  echo "run-slow-clients.sh: $launcher is missing; build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

source benchmarks/scripts.sh
install_missing docker-registry docker-registry
require_program docker-registry docker-registry
warn_about_registry_service

# Every slow client is a socket here and one in the server. Root may raise the hard limit; anyone may raise the
# soft limit up to the hard one. The harness checks what it got and says so if it is too low.
wanted=65536
if ! ulimit -n "$wanted" 2>/dev/null; then
  hard=$(ulimit -Hn)
  if [[ $hard == unlimited || $hard -ge $wanted ]]; then
    ulimit -Sn "$wanted" 2>/dev/null || true
  else
    ulimit -Sn "$hard" 2>/dev/null || true
  fi
fi

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop both servers and delete their data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.slow.SlowClientMain "$@"
