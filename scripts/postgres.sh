#!/usr/bin/env bash
# Throwaway PostgreSQL for tests: its own cluster in a temp dir, loopback only, trust auth.
#   eval "$(scripts/postgres.sh start)"   # prints export DOCGEN_TEST_POSTGRES_URL=... PG_HOME=...
#   scripts/postgres.sh stop [PG_HOME]
# Installs Debian's postgresql package when missing. Run as root (the server runs as 'postgres').
set -euo pipefail
die() { echo "postgres.sh: $*" >&2; exit 1; }

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  if [ -z "$(bin_dir)" ]; then
    local apt=(apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends postgresql)
    { DEBIAN_FRONTEND=noninteractive "${apt[@]}" || { apt-get -q update && DEBIAN_FRONTEND=noninteractive "${apt[@]}"; }; } >&2 ||
      die "could not install postgresql"
  fi
  local bin port home
  bin=$(bin_dir)
  port=${PG_PORT:-55432}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done  # in use: next one
  home=$(mktemp -d /tmp/docgen-pg.XXXXXX)
  chown postgres: "$home"
  runuser -u postgres -- "$bin/initdb" -D "$home/data" -U postgres --auth=trust -E UTF8 >/dev/null ||
    die "initdb failed"
  runuser -u postgres -- "$bin/pg_ctl" -D "$home/data" -l "$home/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $home -c fsync=off -c max_connections=200" start >/dev/null ||
    { tail -n 20 "$home/log" >&2; die "server did not start"; }
  runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$port" docgen_test
  echo "export PG_HOME=$home"
  echo "export DOCGEN_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/docgen_test"
}

stop() {
  local home=${1:-${PG_HOME:-}}
  [ -n "$home" ] || die "stop: set PG_HOME or pass it"
  runuser -u postgres -- "$(bin_dir)/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$home"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [PG_HOME]" >&2; exit 2 ;;
esac
