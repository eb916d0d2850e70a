# Sourced by scripts/test: a throwaway PostgreSQL server for the tests, from the system's own
# binaries: initdb in a temporary folder, a Unix socket in that folder, no TCP. As root it runs
# as the existing `nobody` user (PostgreSQL refuses root; no user is ever created).
# start_postgres exports TRAINER_TEST_DB_URL; the server and its folder go on exit.

start_postgres() {
    local bin
    local initdb
    initdb="$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null \
        | sort -V | tail -n 1)"
    bin="$(dirname "$(readlink -f "${initdb:-/nonexistent}")")"
    if [ ! -x "$bin/initdb" ]; then
        echo "scripts/test: PostgreSQL (initdb) not found; the PostgreSQL tests will not run" >&2
        return 0
    fi
    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trainer-pg.XXXXXX")"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown nobody "$PG_DIR"
        as=(runuser -u nobody --)
    fi
    trap stop_postgres EXIT
    "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" --auth=trust -U trainer -E UTF8 --no-locale \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    # fsync off: a test server's data need not survive a power cut
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" \
        -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c full_page_writes=off" start \
        >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_BIN="$bin"
    "$bin/createdb" -h "$PG_DIR" -U trainer trainer_test
    export TRAINER_TEST_DB_URL="postgresql+psycopg://trainer@/trainer_test?host=$PG_DIR"
}

stop_postgres() {
    if [ -n "${PG_BIN:-}" ]; then
        local as=()
        [ "$(id -u)" = 0 ] && as=(runuser -u nobody --)
        "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    [ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
}
