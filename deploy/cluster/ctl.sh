#!/usr/bin/env bash
# Start or stop one part of the loopback topology (deploy/cluster/up.sh brings it all up):
#   ctl.sh start|stop|restart primary|replica|redis|worker|scheduler|balancer
#   ctl.sh start|stop|kill node N        (N = 1, 2; kill is SIGKILL, as a crash)
#   ctl.sh status
# The drills (deploy/drills/) use it to break and mend the topology under load.
set -euo pipefail
source "$(dirname "$0")/env.sh"

as_postgres() { runuser -u "$PG_USER" -- "$@"; }

pg_dir() { echo "$CLUSTER_DIR/$1"; }

pidfile_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() {  # Stop the process of a pid file, TERM then KILL after 10 s.
  local pidfile=$1 signal=${2:-TERM}
  pidfile_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid=$(cat "$pidfile")
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

app_env() {  # The production environment of every app process.
  set -a; source "$CLUSTER_DIR/app.env"; set +a
}

start_daemon() {  # start_daemon NAME COMMAND...: a background process with a pid file and a log.
  local name=$1; shift
  pidfile_alive "$CLUSTER_DIR/$name.pid" && return 0
  ( cd "$PROJECT_DIR" && app_env && exec setsid "$@" ) >>"$CLUSTER_DIR/log/$name.log" 2>&1 &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

wait_http() {  # wait_http URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "$1 did not answer within $2 s" >&2; return 1; }
    sleep 0.2
  done
}

node() {  # node ACTION N
  local n=$2 port=${NODE_PORTS[$(($2 - 1))]}
  local pidfile="$CLUSTER_DIR/node$n.pid"
  case $1 in
    start)
      pidfile_alive "$pidfile" && return 0
      ( cd "$PROJECT_DIR" && app_env && exec "$PY" -m gunicorn config.wsgi \
          --config "$PROJECT_DIR/deploy/gunicorn.conf.py" \
          --bind "127.0.0.1:$port" --pid "$pidfile" --daemon \
          --access-logfile "$CLUSTER_DIR/log/node$n.access.log" \
          --error-logfile "$CLUSTER_DIR/log/node$n.log" )
      wait_http "http://127.0.0.1:$port/readyz" 60 ;;
    stop) stop_pidfile "$pidfile" TERM ;;
    kill)  # A crash: the master and its workers at once, no graceful shutdown.
      pidfile_alive "$pidfile" || return 0
      local pid; pid=$(cat "$pidfile")
      kill -KILL $(pgrep -P "$pid") "$pid" 2>/dev/null || true
      rm -f "$pidfile" ;;
  esac
}

action=${1:?usage: ctl.sh start|stop|restart|kill PART [N] | status}
part=${2:-}
case "$action:$part" in
  start:primary|start:replica)
    as_postgres "$PG_BIN/pg_ctl" -D "$(pg_dir "$part")" -l "$CLUSTER_DIR/log/$part.log" -w -t 60 start >/dev/null ;;
  stop:primary|stop:replica)
    as_postgres "$PG_BIN/pg_ctl" -D "$(pg_dir "$part")" -m fast -w stop >/dev/null || true ;;
  restart:primary|restart:replica)
    as_postgres "$PG_BIN/pg_ctl" -D "$(pg_dir "$part")" -l "$CLUSTER_DIR/log/$part.log" -m fast -w -t 60 restart >/dev/null ;;
  start:redis)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$CLUSTER_DIR" --pidfile "$CLUSTER_DIR/redis.pid" --logfile "$CLUSTER_DIR/log/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done ;;
  stop:redis) stop_pidfile "$CLUSTER_DIR/redis.pid" ;;
  start:worker)
    start_daemon worker "$PY" manage.py db_worker --queue-name default --interval 1 --no-reload ;;
  stop:worker) stop_pidfile "$CLUSTER_DIR/worker.pid" ;;
  start:scheduler) start_daemon scheduler "$PY" manage.py run_scheduler ;;
  stop:scheduler) stop_pidfile "$CLUSTER_DIR/scheduler.pid" ;;
  start:balancer)
    pidfile_alive "$CLUSTER_DIR/haproxy.pid" && exit 0
    ( set -a; source "$CLUSTER_DIR/haproxy.env"; set +a
      haproxy -D -p "$CLUSTER_DIR/haproxy.pid" -f "$PROJECT_DIR/deploy/haproxy.cfg" )
    wait_http "http://127.0.0.1:$BALANCER_PORT/readyz" 30 ;;
  stop:balancer) stop_pidfile "$CLUSTER_DIR/haproxy.pid" ;;
  start:node|stop:node|kill:node) node "$action" "${3:?node number}" ;;
  status:)
    for name in primary replica; do
      printf '%-10s ' "$name"; as_postgres "$PG_BIN/pg_ctl" -D "$(pg_dir $name)" status >/dev/null 2>&1 && echo up || echo down
    done
    for name in redis worker scheduler node1 node2 haproxy; do
      printf '%-10s ' "$name"; pidfile_alive "$CLUSTER_DIR/$name.pid" && echo up || echo down
    done ;;
  *) echo "ctl.sh: unknown action '$action $part'" >&2; exit 2 ;;
esac
