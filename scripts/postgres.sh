# A private PostgreSQL 15 server for tests and benchmarks, sourced by scripts/test and
# scripts/bench-postgres (after common.sh). `start_test_postgres` installs PostgreSQL when it is
# missing, starts a cluster in a temporary folder on 127.0.0.1 and a free port, creates the
# database `vigie` and exports VIGIE_TEST_POSTGRES_URL; the server stops when the script exits.
# The cluster runs as an unprivileged user when the script runs as root (postgres refuses root).

postgres_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
    done
    return 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_test_postgres() {
    if [ -n "${VIGIE_POSTGRES_STARTED:-}" ]; then return; fi
    if ! postgres_bin >/dev/null; then
        ensure_packages postgresql postgresql-contrib
    fi
    ensure_packages postgresql-contrib   # unaccent
    local bin; bin="$(postgres_bin)"
    PG_DIR="$(mktemp -d /tmp/vigie-pg.XXXXXX)"
    PG_PORT="$(free_port)"
    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        # initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_DIR"
        run=(runuser -u postgres --)
    fi
    PG_RUN=("${run[@]}")
    "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U vigie --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2; echo "error: initdb failed (log above)" >&2; return 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB" start >/dev/null || {
        cat "$PG_DIR/server.log" >&2; echo "error: PostgreSQL did not start (log above)" >&2; return 1; }
    PG_BIN="$bin"
    trap stop_test_postgres EXIT
    "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U vigie -d postgres -qAt -c "CREATE DATABASE vigie" >/dev/null
    export VIGIE_TEST_POSTGRES_URL="postgres://vigie@127.0.0.1:$PG_PORT/vigie"
    export VIGIE_POSTGRES_STARTED=1
    echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

stop_test_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
