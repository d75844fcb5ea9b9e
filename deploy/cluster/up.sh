#!/usr/bin/env bash
# `make cluster`: the production topology on loopback, from nothing. A PostgreSQL primary and a
# streaming replica (initdb, pg_basebackup -R, pg_ctl, as the postgres user, in $CLUSTER_DIR on
# ports 55432 and 55433), Redis (56379), the task worker and the scheduler, two gunicorn nodes
# with production settings (58001, 58002) and HAProxy in front (58000) checking each node's
# /readyz. Installs what is missing from Debian (postgresql, redis-server, haproxy, curl, procps).
# `make cluster-down` (down.sh) stops it all and removes $CLUSTER_DIR.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CTL="$PROJECT_DIR/deploy/cluster/ctl.sh"
as_postgres() { runuser -u "$PG_USER" -- "$@"; }
started=$SECONDS

missing=()
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v curl >/dev/null || missing+=(curl)
command -v pgrep >/dev/null || missing+=(procps)  # ctl.sh and the drills find children
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing from Debian: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
[ -x "$PY" ] || make -C "$PROJECT_DIR" install-site

if [ -e "$CLUSTER_DIR" ]; then
  echo "$CLUSTER_DIR exists: the cluster is up already (make cluster-down first)." >&2
  exit 1
fi
mkdir -p "$CLUSTER_DIR"/{log,media,mail,sock}
chown "$PG_USER" "$CLUSTER_DIR/sock"
chmod 1777 "$CLUSTER_DIR/log"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') primary on $PRIMARY_PORT..."
install -d -o "$PG_USER" -m 700 "$CLUSTER_DIR/primary"
as_postgres "$PG_BIN/initdb" -D "$CLUSTER_DIR/primary" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$CLUSTER_DIR/log/initdb.log"
cat >>"$CLUSTER_DIR/primary/postgresql.conf" <<CONF
# deploy/cluster/up.sh
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CLUSTER_DIR/sock'
max_connections = 200
wal_level = replica
max_wal_senders = 5
wal_keep_size = 512MB
hot_standby = on
hot_standby_feedback = on
CONF
"$CTL" start primary

echo "Streaming replica on $REPLICA_PORT (pg_basebackup -R)..."
install -d -o "$PG_USER" -m 700 "$CLUSTER_DIR/replica"
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
  -D "$CLUSTER_DIR/replica" -R -X stream -c fast
echo "port = $REPLICA_PORT" >>"$CLUSTER_DIR/replica/postgresql.conf"
"$CTL" start replica
as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres hubs

echo "Redis on $REDIS_PORT..."
"$CTL" start redis

cat >"$CLUSTER_DIR/app.env" <<ENV
DJANGO_ENV=production
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/hubs
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/hubs
DATABASE_POOL=true
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
TASKS_BACKEND=database
MEDIA_ROOT=$CLUSTER_DIR/media
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH=$CLUSTER_DIR/mail
SITE_URL=http://127.0.0.1:$BALANCER_PORT
TRUSTED_PROXY_COUNT=1
SECURE_SSL_REDIRECT=false
SECURE_COOKIES=false
SECURE_HSTS_SECONDS=0
LOG_LEVEL=WARNING
ENV
cat >"$CLUSTER_DIR/haproxy.env" <<ENV
HUBS_BIND=127.0.0.1:$BALANCER_PORT
HUBS_NODE1=127.0.0.1:${NODE_PORTS[0]}
HUBS_NODE2=127.0.0.1:${NODE_PORTS[1]}
ENV

echo "Migrating, seeding the demo directory, collecting static files..."
(
  cd "$PROJECT_DIR"; set -a; source "$CLUSTER_DIR/app.env"; set +a
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py seed_demo --if-empty -v 0
  "$PY" manage.py collectstatic --noinput -v 0
) >"$CLUSTER_DIR/log/setup.log" 2>&1 || { tail -20 "$CLUSTER_DIR/log/setup.log" >&2; exit 1; }

echo "Task worker, scheduler, app nodes on ${NODE_PORTS[*]}, HAProxy on $BALANCER_PORT..."
"$CTL" start worker
"$CTL" start scheduler
"$CTL" start node 1
"$CTL" start node 2
"$CTL" start balancer
"$CTL" status
echo "Up in $((SECONDS - started)) s: http://127.0.0.1:$BALANCER_PORT/ (logs in $CLUSTER_DIR/log)"
