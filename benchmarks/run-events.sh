#!/usr/bin/env bash
# Measures what one healthy webhook costs the pushes it reports, on this machine (127.0.0.1 only): small-blob
# pushes and tag creation with the launcher started without a webhook and with --webhook (to a receiver in the
# harness's JVM that checks every signature), alternating, and prints a Markdown table of medians and ratios;
# the same goes to benchmarks/target/events-results.md (--out to change).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-events.sh [options]     (benchmarks/run-events.sh --help lists them)
#   full run (quiet machine):     benchmarks/run-events.sh
#   smoke run (about a minute):   benchmarks/run-events.sh --rounds 1 --small-blobs 300 --tags 300
#   batched delivery:             benchmarks/run-events.sh --batch 100   (the webhook's batch: 100, via --config)
#   steady state:                 benchmarks/run-events.sh --warmup 10   (10 passes of warm-up pushes: the JIT
#                                 compilers finish the push and delivery paths before the measured pushes)
#   two warmed launchers:         benchmarks/run-events.sh --launchers kept --rounds 10 --warmup 10 --batch 100
#                                 (started once; each round pushes new blobs and tags into each in turn: the
#                                 rounds' ratios are spared two fresh JVMs' compilations)
set -euo pipefail

cd "$(dirname "$0")/.."

source benchmarks/scripts.sh
jar=benchmarks/target/wharf-benchmarks.jar
require_built "$jar" test-registry/target/wharf-registry.jar

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop the launcher and delete its data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.http.EventCostMain "$@"
