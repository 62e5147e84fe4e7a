#!/usr/bin/env bash
# The test command README.md names: installs what the tests need when it is
# missing (libedit-dev, SQLite headers, tmux, chromium for the report tests,
# the eventsourcing peer), then starts PostgreSQL 15 for the PostgreSQL store,
# then runs the whole suite with snapshot recording off, so a missing golden fails.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
pkg-config --exists libedit 2>/dev/null || missing+=(libedit-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# The report tests load pages in a real headless browser (SPEC §16).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c 'import eventsourcing' 2>/dev/null || python3 -m pip install -q eventsourcing==9.5.6

# The PostgreSQL store's tests run against a real server, started here and
# stopped on exit (Tests/postgres.sh); ETHOS_TEST_POSTGRES_URL names it.
source Tests/postgres.sh
trap ethos_postgres_stop EXIT
ethos_postgres_start

export SNAPSHOT_TESTING_RECORD=never
swift build --build-tests
swift test --skip-build
