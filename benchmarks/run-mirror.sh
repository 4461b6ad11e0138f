#!/usr/bin/env bash
# Measures pulls through the Wharf launcher run as a pull-through mirror (--upstream) of another Wharf launcher on
# 127.0.0.1: a cold pull through the mirror against a pull straight from the upstream, and warm pulls through the
# mirror against warm pulls straight from the upstream. Prints a Markdown table; the same table goes to
# benchmarks/target/mirror-results.md (--out to change).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-mirror.sh [options]     (benchmarks/run-mirror.sh --help lists them)
#   full run (quiet machine):   benchmarks/run-mirror.sh
#   smoke run (under a minute): benchmarks/run-mirror.sh --rounds 1 --layer-mib 1 --warm-pulls 2
set -euo pipefail

cd "$(dirname "$0")/.."

source benchmarks/scripts.sh
jar=benchmarks/target/wharf-benchmarks.jar
require_built "$jar" test-registry/target/wharf-registry.jar

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop both launchers and delete their data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.http.MirrorPullMain "$@"
