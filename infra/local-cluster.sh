#!/usr/bin/env bash
# A local cluster without Docker, on loopback: Redis (AOF), two coordinators and nginx in front with WebSocket
# upgrade and sticky sessions. Both nodes serve; node A owns the demo meeting and node B forwards to it, and adopts
# it if A dies (leases in Redis, LEASE_TTL_MS).
# Usage: infra/local-cluster.sh [work-dir]   — Ctrl-C stops everything.
# Ports: nginx 8080, node A 3101, node B 3102, Redis 6390 (override with NGINX_PORT, NODE_A_PORT, NODE_B_PORT, REDIS_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d /tmp/diemcau-cluster.XXXXXX)}"
mkdir -p "$work"
nginx_port="${NGINX_PORT:-8080}"
a_port="${NODE_A_PORT:-3101}"
b_port="${NODE_B_PORT:-3102}"
redis_port="${REDIS_PORT:-6390}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  nginx -p "$work" -c "$work/nginx.conf" -s stop 2>/dev/null || true
}
trap cleanup EXIT INT TERM

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync always --save '' \
  --maxmemory-policy noeviction --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)

common=(STORE=redis "REDIS_URL=redis://127.0.0.1:$redis_port" HOST=127.0.0.1 "PUBLIC_URL=http://127.0.0.1:$nginx_port")
env "${common[@]}" NODE_ID=node-a "PORT=$a_port" npx tsx server/main.ts --demo >"$work/node-a.log" 2>&1 &
pids+=($!)
sleep 3
env "${common[@]}" NODE_ID=node-b "PORT=$b_port" npx tsx server/main.ts >"$work/node-b.log" 2>&1 &
pids+=($!)

sed -e "s/@NGINX_PORT@/$nginx_port/; s/@NODE_A@/127.0.0.1:$a_port/; s/@NODE_B@/127.0.0.1:$b_port/" \
  infra/nginx.conf.template >"$work/nginx.conf"
mkdir -p "$work/logs"
nginx -p "$work" -c "$work/nginx.conf"

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$nginx_port/healthz" >/dev/null && break
  sleep 0.5
done
echo "diemcau cluster: http://127.0.0.1:$nginx_port (node A :$a_port, node B :$b_port, Redis :$redis_port)"
echo "logs in $work; join links in $work/node-a.log (they work through nginx or either node)"
wait "${pids[1]}" || true
echo "node A stopped; node B adopts its meetings within LEASE_TTL_MS"
wait
