#!/usr/bin/env bash
# Measures Wharf on PostgreSQL + S3 beside Wharf on RocksDB + files, on this machine (127.0.0.1 only), and prints
# a Markdown table; the same goes to benchmarks/target/cluster-results.md: every workload of the HTTP harness
# (benchmarks/run-http.sh), Wharf only, for one launcher started with --metadata jdbc:postgresql://… --blobs s3://…
# and for one on a data directory (RocksDB + files), alternating, one round each per pass: each pass gets a fresh
# database and bucket prefix, as the harness gives each round a fresh data directory. Medians over the passes.
#
# It starts its own servers and stops them at exit: a private PostgreSQL cluster (Debian's package, run as the
# postgres user when this runs as root, fsync on) and s3proxy (the jar the storage-s3 build fetched into the local
# Maven repository) keeping objects under the work directory.
#
# Then the scaling run (dev.wharf.bench.http.ScalingMain): 1, 2 and 3 launchers on one more database and prefix,
# the image pushed through the first, manifest GET and blob HEAD with 64 connections spread round-robin over
# them, with the CPU time of the nodes, PostgreSQL, s3proxy and the client; its table is appended to the output
# and also goes to benchmarks/target/scaling-results.md.
#
# Builds nothing. Build first, from the repository root:
#   mvn -B -q package -DskipTests
#
# Usage:  benchmarks/run-cluster.sh [--passes N] [--seconds N] [--nodes N] [--scaling-only]
#   Defaults: 3 passes; the harness with 256 MiB blobs, 2,000 × 4 KiB blobs, 10 s loads after 5 s warm-up,
#   2,000 tags, 200 repositories; the scaling run up to 3 nodes, 3 rounds of 10 s loads after 5 s warm-up.
#   --scaling-only skips the workloads and runs the scaling run alone.
set -euo pipefail

cd "$(dirname "$0")/.."

source benchmarks/scripts.sh
passes=3
seconds=10
nodes=3
workloads=true
while [[ $# -gt 0 ]]; do
  case $1 in
    --passes) passes=${2:?--passes needs a number}; shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
    --scaling-only) workloads=false; shift ;;
    *) echo "${0##*/}: unknown option $1" >&2; exit 2 ;;
  esac
done

bench=benchmarks/target/wharf-benchmarks.jar
require_built test-registry/target/wharf-registry.jar "$bench"
install_missing curl curl
require_program curl curl
require_program python3 python3
s3proxy_jar=$(ls ~/.m2/repository/org/gaul/s3proxy/*/s3proxy-*-jar-with-dependencies.jar 2>/dev/null | sort -V | tail -1)
if [[ -z $s3proxy_jar ]]; then
  echo "${0##*/}: no s3proxy jar in the local Maven repository; build storage-s3 first: mvn -B -q package -DskipTests" >&2
  exit 2
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  install_missing /usr/lib/postgresql/15/bin/initdb postgresql
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $pg_bin/initdb ]] || { echo "${0##*/}: PostgreSQL not found; install the Debian package postgresql" >&2; exit 2; }

work=$(mktemp -d /var/tmp/wharf-cluster.XXXXXX)
out=benchmarks/target/cluster-results.md
pids=()
as_postgres=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$work"
  as_postgres=(runuser -u postgres --)
fi

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# PostgreSQL: a private cluster, durable as deployed (fsync on).
pg_port=$(free_port)
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pg" -U wharf --auth=trust -E UTF8 --locale=C >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
database() { # database NAME: creates it, prints its JDBC URL
  "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U wharf -d postgres -c "CREATE DATABASE $1" >/dev/null
  echo "jdbc:postgresql://127.0.0.1:$pg_port/$1?user=wharf"
}

# s3proxy: buckets of its filesystem backend are directories.
s3_port=$(free_port)
mkdir -p "$work/s3/wharf"
cat > "$work/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=wharf-bench
s3proxy.credential=wharf-bench-secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$work/s3
EOF
java -Xmx512m -jar "$s3proxy_jar" --properties "$work/s3proxy.conf" > "$work/s3proxy.log" 2>&1 &
s3proxy_pid=$!
pids+=($s3proxy_pid)
for _ in $(seq 1 200); do
  curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break
  sleep 0.05
done

aws_opts=(-Daws.accessKeyId=wharf-bench -Daws.secretAccessKey=wharf-bench-secret)
node_flags() { # node_flags URL PREFIX
  echo "--metadata=$1 --blobs=s3://wharf/$2 --s3-endpoint=http://127.0.0.1:$s3_port --s3-region=us-east-1 --s3-path-style"
}
jvm=("${small_server_jvm[@]}")
launcher_args() { # launcher_args URL PREFIX: fills the array args with the harness flags that start such a node
  args=()
  for flag in $(node_flags "$1" "$2"); do args+=(--wharf-arg "$flag"); done
  for opt in "${jvm[@]}" "${aws_opts[@]}"; do args+=(--wharf-java-opt "$opt"); done
}

# --- every workload -------------------------------------------------------------------------------------------
if $workloads; then
harness=(--targets wharf --rounds 1 --blob-size 256m --small-blobs 2000 --seconds "$seconds" --warmup 5
         --tags 2000 --repositories 200 --work-dir "$work")
for pass in $(seq 1 "$passes"); do
  url=$(database "pass$pass")
  launcher_args "$url" "pass$pass"
  echo "${0##*/}: pass $pass of $passes: PostgreSQL + S3" >&2
  java -Xmx1g -cp "$bench" dev.wharf.bench.http.HarnessMain "${harness[@]}" "${args[@]}" \
    --out "$work/pg-s3-$pass.md" > /dev/null
  echo "${0##*/}: pass $pass of $passes: RocksDB + files" >&2
  java -Xmx1g -cp "$bench" dev.wharf.bench.http.HarnessMain "${harness[@]}" --out "$work/files-$pass.md" > /dev/null
done

# The Wharf column of each workload row, per pass; prints "workload|unit|median pg-s3|median files|ratio".
summarize() {
  awk -F'|' '
    FNR == 1 { kind = (FILENAME ~ /pg-s3/) ? "pg" : "files"; summary = 1 }
    /^Every round/ { summary = 0 }
    summary && /^\| / && $2 !~ /workload|---/ && $4 ~ /[0-9]/ {
      key = $2 "|" $3; gsub(/^ +| +$/, "", key)
      if (!(key in order)) { order[key] = ++n; keys[n] = key }
      v = $4; gsub(/[ ,]/, "", v)
      values[kind, key] = values[kind, key] " " v
    }
    function median(list,   a, m, i, j, t) {
      m = split(list, a, " ")
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      if (m == 0) return ""
      return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      for (i = 1; i <= n; i++) {
        k = keys[i]; p = median(values["pg", k]); f = median(values["files", k])
        r = (f + 0 != 0 && p != "") ? sprintf("%.2f×", p / f) : ""
        split(k, parts, "|")
        printf "| %s | %s | %s | %s | %s |\n", parts[1], parts[2], p, f, r
      }
    }' "$@"
}

{
  echo "# Wharf on PostgreSQL + S3 beside RocksDB + files ($(date -u +%F), $(nproc) cores)"
  echo
  echo "Medians of $passes passes, each one harness round per configuration (256 MiB blobs, 2,000 × 4 KiB blobs,"
  echo "$seconds s loads, 2,000 tags, 200 repositories); PostgreSQL and s3proxy on the same machine."
  echo
  echo "| workload | unit | PostgreSQL + S3 | RocksDB + files | PostgreSQL + S3 / RocksDB + files |"
  echo "|---|---|---:|---:|---:|"
  summarize "$work"/pg-s3-*.md "$work"/files-*.md
} > "$out"
else
  echo "# Wharf on PostgreSQL + S3: the scaling run ($(date -u +%F), $(nproc) cores)" > "$out"
fi

# --- scaling: 1, 2, 3 nodes behind a round-robin client -------------------------------------------------------
echo "${0##*/}: scaling run, up to $nodes nodes" >&2
url=$(database scaling)
launcher_args "$url" scaling
java -Xmx512m -cp "$bench" dev.wharf.bench.http.ScalingMain "${args[@]}" --nodes "$nodes" --rounds "$passes" \
  --seconds "$seconds" --warmup 5 --work-dir "$work" \
  --watch "PostgreSQL=$(head -1 "$work/pg/postmaster.pid")" --watch "s3proxy=$s3proxy_pid" \
  --out benchmarks/target/scaling-results.md > /dev/null
{ echo; cat benchmarks/target/scaling-results.md; } >> "$out"

cat "$out"
