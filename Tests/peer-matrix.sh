#!/usr/bin/env bash
# Cross-checks ethos's Service Culture Matrix against an independent peer
# (../shared/bench/peer_eventsourcing.py, on the Python `eventsourcing`
# library) for the same generated workload.
#
#   bash Tests/peer-matrix.sh [INTERACTIONS]     (default 20000)
#
# Generates the workload with ../shared/bench/gen_workload.py, runs it with
# `ethos run` into a fresh store, asks `ethos query matrix --format json`, runs
# the peer on the same file, and compares interactions, mean and positive of
# all four cells, balance and weakest. Exits 0 when they all agree, 1 on any
# mismatch (each printed), 2 when something it needs is missing.
# Uses $ETHOS (default .build/debug/ethos, else .build/release/ethos).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
interactions=${1:-20000}
shared="$root/../shared"
# A git worktree's parent may not hold shared/: fall back to the main checkout's.
if [ ! -d "$shared/bench" ]; then
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  [ -n "$common" ] && shared="$(dirname "$(dirname "$common")")/shared"
fi
bench="$shared/bench"
if [ ! -f "$bench/gen_workload.py" ] || [ ! -f "$bench/peer_eventsourcing.py" ]; then
  echo "peer-matrix: $root/../shared/bench is missing (gen_workload.py, peer_eventsourcing.py)" >&2
  exit 2
fi
python3 -c 'import eventsourcing' 2>/dev/null || {
  echo "peer-matrix: the peer needs 'pip install eventsourcing==9.5.6'" >&2
  exit 2
}
ethos=${ETHOS:-}
if [ -z "$ethos" ]; then
  for candidate in .build/debug/ethos .build/release/ethos; do
    if [ -x "$candidate" ]; then ethos="$root/$candidate"; break; fi
  done
fi
[ -n "$ethos" ] && [ -x "$ethos" ] || { echo "peer-matrix: build ethos first (swift build)" >&2; exit 2; }

# The peer commits once per command; on tmpfs it does not wait on the disk.
scratch_parent=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch_parent=/dev/shm
work=$(mktemp -d "$scratch_parent/ethos-peer-matrix.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$bench/gen_workload.py" --interactions "$interactions" > "$work/workload.ethos"
"$ethos" run "$work/workload.ethos" --store "$work/ethos.sqlite" > /dev/null
"$ethos" query matrix --format json --store "$work/ethos.sqlite" > "$work/ethos.json"
python3 "$bench/peer_eventsourcing.py" "$work/workload.ethos" --db "$work/peer.sqlite" > "$work/peer.json"

python3 - "$work/ethos.json" "$work/peer.json" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))["matrix"]
mismatches = []
def check(path, a, b):
    if a != b:
        mismatches.append("%s: ethos %r, peer %r" % (path, a, b))
total = 0
for audience in ("customers", "staff"):
    for condition in ("normal", "stress"):
        for key in ("interactions", "mean", "positive"):
            a = ours["cells"][audience][condition][key]
            b = peer["cells"][audience][condition][key]
            check("cells.%s.%s.%s" % (audience, condition, key), a, b)
        total += ours["cells"][audience][condition]["interactions"]
check("balance", ours["balance"], peer["balance"])
check("weakest", ours["weakest"], peer["weakest"])
if total == 0:
    mismatches.append("ethos counted no interactions at all")
for line in mismatches:
    print("peer-matrix: mismatch " + line)
if mismatches:
    sys.exit(1)
print("peer-matrix: ethos and the eventsourcing peer agree on %d interactions "
      "(balance %s, weakest %s)" % (total, ours["balance"], ours["weakest"]))
EOF
