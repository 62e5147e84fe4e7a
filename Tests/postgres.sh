# Sourced by Tests/run.sh: starts a throw-away PostgreSQL 15 on loopback for
# the PostgreSQL store's tests and exports its URL as ETHOS_TEST_POSTGRES_URL;
# `ethos_postgres_stop` (run on EXIT) stops it and removes its folder, with
# any server a test started under it ($ETHOS_PG_DIR) and left running.
# A developer's own server is used instead when ETHOS_TEST_POSTGRES_URL is set.

ethos_postgres_start() {
  if [ -n "${ETHOS_TEST_POSTGRES_URL:-}" ]; then
    echo "postgres: using ETHOS_TEST_POSTGRES_URL from the environment"
    return 0
  fi
  local bin=/usr/lib/postgresql/15/bin
  if [ ! -x "$bin/initdb" ]; then
    echo "installing: postgresql-15"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  fi
  local port="${ETHOS_TEST_POSTGRES_PORT:-54329}"
  ETHOS_PG_DIR="$(mktemp -d /tmp/ethos-pg.XXXXXX)"
  export ETHOS_PG_DIR
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  local as=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$ETHOS_PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$ETHOS_PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$ETHOS_PG_DIR/initdb.log" 2>&1 \
    || { cat "$ETHOS_PG_DIR/initdb.log"; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$ETHOS_PG_DIR/data" -l "$ETHOS_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $ETHOS_PG_DIR -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$ETHOS_PG_DIR/server.log"; return 1; }
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ethos_test
  export ETHOS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/ethos_test"
  echo "postgres: started PostgreSQL 15 on 127.0.0.1:$port ($ETHOS_PG_DIR)"
}

ethos_postgres_stop() {
  [ -n "${ETHOS_PG_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$ETHOS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  # Servers the tests start for themselves (TestSupport's PostgresServer: a
  # primary and its standby, a server to restart) live beside it; a test that
  # crashed before stopping one leaves it running.
  local data
  for data in "$ETHOS_PG_DIR"/*/data; do
    [ -f "$data/postmaster.pid" ] || continue
    "${as[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$ETHOS_PG_DIR"
  ETHOS_PG_DIR=
}
