#!/usr/bin/env bash
# Compares the Wharf launcher with CNCF distribution over HTTP on this machine (127.0.0.1 only) and prints
# a Markdown table; the same table goes to benchmarks/target/http-results.md (--out to change).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-http.sh [harness options]     (benchmarks/run-http.sh --help lists them)
#   full run (quiet machine):  benchmarks/run-http.sh
#   smoke run (about a minute): benchmarks/run-http.sh --rounds 1 --blob-size 64m --small-blobs 200 \
#                               --seconds 3 --warmup 1 --tags 1000 --repositories 200
#
# Needs docker-registry (Debian package docker-registry; installed here when run as root) and uses wrk
# (Debian package wrk) for the manifest GET load when present, else a Java client. The harness starts its
# own docker-registry on a free port with a generated configuration: a docker-registry system service, if
# one runs, is never what is measured, but it shares the machine, so stop it for a full run.
set -euo pipefail

cd "$(dirname "$0")/.."

jar=benchmarks/target/wharf-benchmarks.jar
launcher=test-registry/target/wharf-registry.jar
if [[ ! -f "$jar" || ! -f "$launcher" ]]; then
  echo "run-http.sh: $jar or $launcher is missing; build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

install_missing() {
  local program=$1 package=$2
  if command -v "$program" >/dev/null 2>&1; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "run-http.sh: installing $package" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null
  fi
}

install_missing docker-registry docker-registry
install_missing wrk wrk
if ! command -v docker-registry >/dev/null 2>&1; then
  echo "run-http.sh: docker-registry not found; install the Debian package docker-registry" >&2
  exit 2
fi
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  echo "run-http.sh: warning: the docker-registry system service is running. It is not measured (the" \
       "harness starts its own), but it shares this machine: systemctl stop docker-registry" >&2
fi

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop both servers and delete their data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.http.HarnessMain "$@"
