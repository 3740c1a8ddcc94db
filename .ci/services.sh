#!/usr/bin/env bash
# Starts MariaDB (127.0.0.1:3306, root with an empty password over TCP) and Redis (127.0.0.1:6379)
# when they are not already answering. Idempotent; safe on a machine where both already run.
set -euo pipefail

mariadb_up() { mariadb -h127.0.0.1 -uroot -e 'select 1' >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  echo "--- installing mariadb-server and redis-server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server redis-server >/dev/null
fi

if ! mariadb_up; then
  echo "--- starting MariaDB"
  rundir=$(dirname "$(my_print_defaults --mysqld | sed -n 's/^--pid-file=//p' | tail -n 1)")
  [ -n "$rundir" ] && [ "$rundir" != "." ] && install -d -o mysql -g mysql "$rundir"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 120); do mariadb -uroot -e 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
  # Debian's root is socket-only; the tests log in over TCP with an empty password.
  mariadb_up || mariadb -uroot -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
  mariadb_up || { echo "MariaDB did not come up" >&2; exit 1; }
fi

if ! redis_up; then
  echo "--- starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 60); do redis_up && break; sleep 0.25; done
  redis_up || { echo "Redis did not come up" >&2; exit 1; }
fi
echo "--- MariaDB and Redis are up"
