#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the archive tests: loopback only, an ephemeral port, a
# temporary data folder, trust authentication for one user. Used as a CTest fixture
# (tests/CMakeLists.txt) and by the test binary itself when run outside CTest.
#
#   pg-fixture.sh start STATE_DIR   initdb + start; writes STATE_DIR/url (a postgresql:// URL
#                                   for the "postgres" database) and STATE_DIR/cluster (its path)
#   pg-fixture.sh stop STATE_DIR    stops the cluster and removes its folder and STATE_DIR
#
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
set -euo pipefail

cmd=${1:?usage: pg-fixture.sh start|stop STATE_DIR}
state=${2:?usage: pg-fixture.sh start|stop STATE_DIR}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-fixture: no PostgreSQL server found (apt-get install postgresql; tools/check does)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  local cluster=$1
  if [ -f "$cluster/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
}

case "$cmd" in
  start)
    # A leftover from an interrupted run: stop it first.
    if [ -f "$state/cluster" ]; then stop_cluster "$(cat "$state/cluster")"; fi
    mkdir -p "$state"
    cluster=$(mktemp -d /tmp/sealflow-pg.XXXXXX)
    chmod 0755 "$cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$cluster"
    echo "$cluster" >"$state/cluster"
    as_owner "$bindir/initdb" -D "$cluster/data" -U sealflow -A trust -E UTF8 --locale=C \
      --no-sync >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    # An ephemeral port: the kernel picks a free one, PostgreSQL binds it right after. If another
    # process took it in between, the start fails and we try again with a new one.
    for attempt in 1 2 3 4 5; do
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      if as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c max_connections=200" \
          start >/dev/null; then
        echo "postgresql://sealflow@127.0.0.1:$port/postgres" >"$state/url"
        exit 0
      fi
    done
    cat "$cluster/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$state/cluster" ]; then stop_cluster "$(cat "$state/cluster")"; fi
    rm -rf "$state"
    ;;
  *)
    echo "usage: pg-fixture.sh start|stop STATE_DIR" >&2
    exit 64
    ;;
esac
