# The loopback topology's places and ports, read by up.sh, ctl.sh and down.sh (override any of
# them in the environment). Sourced, not run.
CLUSTER_DIR="${CLUSTER_DIR:-/tmp/industry-hubs-cluster}"
PRIMARY_PORT="${PRIMARY_PORT:-55432}"
REPLICA_PORT="${REPLICA_PORT:-55433}"
REDIS_PORT="${REDIS_PORT:-56379}"
# The app nodes' ports, space-separated. Kept as a string in the environment too: bash passes
# no array to the scripts up.sh runs, which would fall back to the default ports.
export NODE_PORT_LIST="${NODE_PORT_LIST:-${NODE_PORTS:-58001 58002}}"
NODE_PORTS=($NODE_PORT_LIST)
BALANCER_PORT="${BALANCER_PORT:-58000}"
PG_USER=postgres
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PY:-$PROJECT_DIR/.venv/bin/python}"
# The newest PostgreSQL server installed (Debian keeps each major version apart).
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
