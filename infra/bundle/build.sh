#!/usr/bin/env bash
# npm run bundle: one .tar.gz for an air-gapped install (the dedicated government network, no internet).
# It unpacks to one directory holding everything the server needs: the production dependencies, the built consoles,
# the mediasoup worker and the Node runtime this was built with. Its `start` script needs no node, npm or network.
# The worker comes from MEDIASOUP_WORKER_BIN, else mediasoup's own prebuilt one in node_modules; without either the
# bundle is refused (a bundle without mediasoup would carry the embedded bridge only). The last line is the path.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

version=$(node -p "require('./package.json').version")
platform="$(node -p 'process.platform')-$(node -p 'process.arch')"
name="diemcau-${version}-${platform}"
out_dir="${BUNDLE_OUT_DIR:-$repo/dist}"

worker="${MEDIASOUP_WORKER_BIN:-$repo/node_modules/mediasoup/worker/out/Release/mediasoup-worker}"
if [ ! -x "$worker" ]; then
  echo "bundle: no mediasoup worker at $worker: set MEDIASOUP_WORKER_BIN (infra/mediasoup-worker/README.md)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/diemcau-bundle-XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/runtime" "$stage/worker"

echo "bundle: building the consoles" >&2
npm run --silent build >&2

echo "bundle: compiling the server, copying it with the consoles and the production dependencies" >&2
cp -a server package.json package-lock.json "$stage/"
# Compiled JavaScript beside the files it reads (prompts, scenarios): nothing is transpiled when it starts, and the
# TypeScript sources (and the simulator, a development tool) are left out.
rm -rf "$stage/server/simulator"
npx tsc -p tsconfig.build.json --outDir "$stage" >&2
find "$stage/server" -name '*.ts' -delete
mkdir -p "$stage/client" "$stage/infra/mediasoup-worker"
cp -a client/dist "$stage/client/dist"
cp -a infra/mediasoup-worker/postinstall.mjs "$stage/infra/mediasoup-worker/"
# From the local node_modules, pruned to production: building the bundle needs no network either.
cp -a node_modules "$stage/node_modules"
(cd "$stage" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --offline >&2)
# mediasoup's worker sources and build leftovers are not needed at run time.
rm -rf "$stage/node_modules/mediasoup/worker"/{deps,src,include,subprojects,test,fuzzer,scripts,pip_invoke,out} || true

cp "$(command -v node)" "$stage/runtime/node"
cp "$worker" "$stage/worker/mediasoup-worker"
chmod 755 "$stage/runtime/node" "$stage/worker/mediasoup-worker"

cat > "$stage/start" <<'START'
#!/bin/sh
# Starts diemcau from this directory with its own Node runtime and mediasoup worker; arguments are passed through
# (e.g. ./start --demo). Settings come from the environment (README: configuration; NODE_ENV=production demands
# JWT_SECRET and ADMIN_API_KEY); the data lives in ./data.
here=$(cd "${0%/*}" && pwd)
cd "$here" || exit 1
export MEDIASOUP_WORKER_BIN="${MEDIASOUP_WORKER_BIN:-$here/worker/mediasoup-worker}"
export MEDIA_BRIDGE="${MEDIA_BRIDGE:-auto}"
exec "$here/runtime/node" "$here/server/main.js" "$@"
START
chmod 755 "$stage/start"
cat > "$stage/README.txt" <<'TXT'
diemcau — bộ cài đặt ngoại tuyến (offline bundle)

  ./start --demo          chạy thử với một hội nghị mẫu (a seeded demo meeting)
  PORT=3000 ./start       chạy máy chủ (serve)

Cổng cần mở (ports to open): PORT (HTTP, mặc định 3000), and for media MEDIA_PORT_MIN + i for each mediasoup worker
i (one per core), UDP and TCP (default 40000…). See the project's README for every setting.
Tài khoản quản trị (an administrator account):
  ./runtime/node server/accounts/cli.js --username NAME --name "Họ tên" --admin --password-env VAR
TXT

mkdir -p "$out_dir"
tarball="$out_dir/$name.tar.gz"
tar -C "$work" -czf "$tarball" "$name"
echo "bundle: $(du -h "$tarball" | cut -f1) — unpack anywhere and run ./start" >&2
echo "$tarball"
