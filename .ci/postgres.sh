#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster for the store tests.
#   source .ci/postgres.sh start   -> exports SECRETCTL_TEST_POSTGRES_URL
#   .ci/postgres.sh stop DIR
# The cluster lives in a temp dir, listens on a Unix socket in that dir and on 127.0.0.1:$PGPORT only.
set -u

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

as_pg() {
    # initdb and postgres refuse to run as root.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bin dir port
    bin=$(pg_bin) || { echo "postgres.sh: no initdb found (apt-get install postgresql)" >&2; return 1; }
    dir=$(mktemp -d /tmp/secretctl-pg.XXXXXX)
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=${SECRETCTL_TEST_PGPORT:-54329}
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=50" start >/dev/null \
        || { cat "$dir/server.log" >&2; return 1; }
    export SECRETCTL_TEST_PG_DIR="$dir"
    export SECRETCTL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "postgres.sh: throwaway cluster in $dir on 127.0.0.1:$port" >&2
}

pg_stop() {
    local dir=$1 bin
    bin=$(pg_bin) || return 0
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}

case "${1:-}" in
    start) pg_start ;;
    stop) pg_stop "${2:?usage: postgres.sh stop DIR}" ;;
    *) echo "usage: source .ci/postgres.sh start | .ci/postgres.sh stop DIR" >&2 ;;
esac
