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

source benchmarks/scripts.sh
jar=benchmarks/target/wharf-benchmarks.jar
require_built "$jar" test-registry/target/wharf-registry.jar
install_missing docker-registry docker-registry
install_missing wrk wrk
require_program docker-registry docker-registry
warn_about_registry_service

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop both servers and delete their data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.http.HarnessMain "$@"
