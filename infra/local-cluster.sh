#!/usr/bin/env bash
# A local cluster without Docker, on loopback: Redis (AOF), two coordinators and nginx in front with WebSocket
# upgrade and sticky sessions. Both nodes serve; node A owns the demo meeting and node B forwards to it, and adopts
# it if A dies (leases in Redis, LEASE_TTL_MS).
# Usage: infra/local-cluster.sh [work-dir]   — Ctrl-C stops everything.
# Ports: nginx 8080, node A 3101, node B 3102, Redis 6390 (override with NGINX_PORT, NODE_A_PORT, NODE_B_PORT, REDIS_PORT).
# WITH_TURN=1 also starts coturn (Debian's package) from infra/coturn/turnserver.conf.template on 127.0.0.1:3478
# (TLS 5349, a self-signed certificate) and hands the nodes TURN_URLS and TURN_SECRET.
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
if [ "${WITH_TURN:-0}" = 1 ]; then
  turn_secret="$(openssl rand -hex 24)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=127.0.0.1 \
    -keyout "$work/turn.key" -out "$work/turn.pem" 2>/dev/null
  sed -e "s#@LISTEN_IP@#127.0.0.1#; s#@RELAY_IP@#127.0.0.1#; s#@PORT@#3478#; s#@TLS_PORT@#5349#" \
    -e "s#@MIN_PORT@#49160#; s#@MAX_PORT@#49359#; s#@SECRET@#$turn_secret#; s#@REALM@#diemcau.local#" \
    -e "s#@CERT@#$work/turn.pem#; s#@KEY@#$work/turn.key#; s#@MEDIA_HOST_IP@#127.0.0.1#" \
    -e "s#@LOG_FILE@#$work/turn.log#; s#@PID_FILE@#$work/turn.pid#" \
    infra/coturn/turnserver.conf.template >"$work/turnserver.conf"
  # On loopback the media host is 127.0.0.1, which the configuration otherwise refuses to relay to.
  turnserver -c "$work/turnserver.conf" --allow-loopback-peers --no-stdout-log &
  pids+=($!)
  common+=("TURN_SECRET=$turn_secret" "TURN_URLS=turn:127.0.0.1:3478?transport=udp,turns:127.0.0.1:5349?transport=tcp")
fi
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
