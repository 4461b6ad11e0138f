#!/usr/bin/env bash
# Runs the JMH benchmarks of the engine's hot paths and prints the Markdown report with the ratios the
# durable-storage goals are stated in (benchmarks/target/jmh-results.md; raw JSON in jmh-result.json).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-jmh.sh [JMH options]      (any option of org.openjdk.jmh.Main, e.g. a regex)
#   full run (quiet machine; about 45 minutes):  benchmarks/run-jmh.sh
#   smoke run:  benchmarks/run-jmh.sh -f 1 -wi 1 -w 1s -i 1 -r 1s
#   one group:  benchmarks/run-jmh.sh MetadataBenchmark
set -euo pipefail

cd "$(dirname "$0")/.."

jar=benchmarks/target/wharf-benchmarks.jar
if [[ ! -f "$jar" ]]; then
  echo "run-jmh.sh: $jar is missing; build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi
json=benchmarks/target/jmh-result.json
java -jar "$jar" -rf json -rff "$json" "$@"
java -cp "$jar" dev.wharf.bench.jmh.JmhReport "$json" benchmarks/target/jmh-results.md
