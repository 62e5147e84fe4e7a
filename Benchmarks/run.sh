#!/usr/bin/env bash
# Builds ethos in release mode, installs the peer if needed, generates the
# workloads and runs ethos and the eventsourcing peer side by side, printing
# one table (see bench.py for what each column measures).
#
#   bash Benchmarks/run.sh                      # 100k, 300k, 1M; peer at 100k
#   SIZES="100000" RUNS=5 bash Benchmarks/run.sh
#   ETHOS_BENCH_POSTGRES=postgres://postgres@127.0.0.1:54329/ethos_bench bash Benchmarks/run.sh
#                                               # plus PostgreSQL rows (PG_SIZES) and follow latency
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product ethos
python3 -c 'import eventsourcing' 2>/dev/null || python3 -m pip install -q eventsourcing==9.5.6
command -v sqlite3 >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null)
exec python3 Benchmarks/bench.py "$@"
