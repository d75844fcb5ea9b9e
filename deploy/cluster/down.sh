#!/usr/bin/env bash
# `make cluster-down`: stops every process of the loopback topology and removes $CLUSTER_DIR.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CTL="$PROJECT_DIR/deploy/cluster/ctl.sh"
[ -d "$CLUSTER_DIR" ] || { echo "No cluster at $CLUSTER_DIR."; exit 0; }
"$CTL" stop balancer
"$CTL" stop node 1
"$CTL" stop node 2
"$CTL" stop scheduler
"$CTL" stop worker
"$CTL" stop redis
[ -d "$CLUSTER_DIR/replica" ] && "$CTL" stop replica
[ -d "$CLUSTER_DIR/primary" ] && "$CTL" stop primary
rm -rf "$CLUSTER_DIR"
echo "Cluster stopped and $CLUSTER_DIR removed."
