#!/usr/bin/env bash
# Measures what a login costs the Wharf launcher over HTTP on this machine (127.0.0.1 only): manifest GET and
# blob HEAD with no login, with Basic credentials (--htpasswd) and with the token flow (--htpasswd --token-auth),
# and prints a Markdown table; the same table goes to benchmarks/target/auth-results.md (--out to change).
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-auth.sh [options]     (benchmarks/run-auth.sh --help lists them)
#   full run (quiet machine):   benchmarks/run-auth.sh
#   smoke run (about a minute): benchmarks/run-auth.sh --rounds 1 --seconds 3 --warmup 1
#
# Uses wrk (Debian package wrk; installed here when run as root) for the manifest GET load when present, else
# a Java client.
set -euo pipefail

cd "$(dirname "$0")/.."

source benchmarks/scripts.sh
jar=benchmarks/target/wharf-benchmarks.jar
require_built "$jar" test-registry/target/wharf-registry.jar
install_missing wrk wrk

# exec: Ctrl+C and SIGTERM reach the JVM, whose shutdown hooks stop the launcher and delete its data.
exec java -Xmx1g -cp "$jar" dev.wharf.bench.http.AuthCostMain "$@"
