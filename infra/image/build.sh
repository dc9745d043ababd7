#!/usr/bin/env bash
# npm run image [-- --slim] [-- --save]: the OCI image of diemcau, built without a Docker daemon and without any image
# registry (these networks often have none): a Debian base made by debootstrap, the offline bundle (Node runtime, the
# compiled server, the consoles, the mediasoup worker) and what the server calls at run time (ffmpeg, poppler,
# LibreOffice for documents and minutes — left out with --slim, where documents say they are off), plus redis-server
# and coturn so that one image plays every container of the pod (infra/kube/diemcau.yaml).
#
# Needs root (debootstrap), buildah, and a Debian mirror (DEBIAN_MIRROR, else the host's own apt source). Buildah's
# storage and configuration are the caller's (CONTAINERS_STORAGE_CONF, CONTAINERS_CONF), as for podman. The last line
# printed is the image's name; with --save, an OCI archive (podman load -i …) is written under dist/ as well.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

slim=false
save=false
for arg in "$@"; do
  case "$arg" in
    --slim) slim=true ;;
    --save) save=true ;;
    *) echo "image: unknown option $arg (--slim, --save)" >&2; exit 2 ;;
  esac
done

version=$(node -p "require('./package.json').version")
suite=bookworm
tag="localhost/diemcau:${version}$($slim && echo -slim || true)"
out_dir="${IMAGE_OUT_DIR:-$repo/dist}"
cache="${IMAGE_CACHE_DIR:-$repo/dist/image-cache}"
# The host's own Debian mirror (its apt sources, one-line or deb822), unless DEBIAN_MIRROR says another.
host_mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) |
  awk '$1 == "deb" || $1 == "URIs:" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; exit } }')
mirror="${DEBIAN_MIRROR:-${host_mirror:-http://deb.debian.org/debian}}"

# curl: podman turns the pod's liveness probe (an HTTP GET) into a health check that runs curl.
packages=ca-certificates,tzdata,curl,ffmpeg,poppler-utils,fonts-dejavu-core,fonts-liberation,redis-server,coturn
if ! $slim; then
  packages="$packages,libreoffice-writer-nogui,libreoffice-calc-nogui,libreoffice-impress-nogui"
fi

# The base, made once per package list and kept (a second build reuses it).
base="$cache/$suite-$(echo "$packages" | sha256sum | cut -c1-12)"
if [ ! -e "$base/.complete" ]; then
  echo "image: debootstrap $suite (minbase) from $mirror" >&2
  rm -rf "$base"
  mkdir -p "$base"
  debootstrap --variant=minbase --include="$packages" "$suite" "$base" "$mirror" >&2
  # What a server never reads: package lists and caches, manuals, other languages' messages.
  rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/*.bin "$base"/var/cache/apt/archives/*.deb \
    "$base"/usr/share/doc/* "$base"/usr/share/man/* "$base"/usr/share/info/*
  find "$base/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'vi*' ! -name 'en*' -exec rm -rf {} + 2>/dev/null || true
  chroot "$base" groupadd --system --gid 10001 diemcau
  chroot "$base" useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/diemcau --shell /usr/sbin/nologin diemcau
  touch "$base/.complete"
fi

echo "image: the offline bundle" >&2
tarball=$(BUNDLE_OUT_DIR="$cache/bundle" bash infra/bundle/build.sh | tail -1)

root=$(mktemp -d "${TMPDIR:-/tmp}/diemcau-image-XXXXXX")
trap 'rm -rf "$root"' EXIT
cp -a "$base/." "$root/"
rm -f "$root/.complete"
mkdir -p "$root/opt"
tar -C "$root/opt" -xzf "$tarball"
mv "$root/opt/$(tar -tzf "$tarball" | head -1 | cut -d/ -f1)" "$root/opt/diemcau"
# The health check: /healthz on the coordinator's own port (PORT), within 4 s.
cat > "$root/opt/diemcau/healthcheck.mjs" <<'CHECK'
const port = process.env.PORT ?? '3000';
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
CHECK
# The data directories are volumes (the coordinator's, Redis's); the rest of the file system stays read-only at run
# time.
mkdir -p "$root/var/lib/diemcau" "$root/data"

echo "image: buildah $tag" >&2
# Docker's manifest format: the OCI one has no HEALTHCHECK (podman and Kubernetes read either).
export BUILDAH_FORMAT=docker
container=$(buildah from scratch)
trap 'rm -rf "$root"; buildah rm "$container" >/dev/null 2>&1 || true' EXIT
buildah copy --quiet "$container" "$root/" / >&2
# buildah copies as root: the data directories are given to the server's user again (a volume mounted there takes
# their owner when first used, so podman needs no chown of its own).
mounted=$(buildah mount "$container")
chown 10001:10001 "$mounted/var/lib/diemcau" "$mounted/data"
buildah umount "$container" >/dev/null
buildah config \
  --user 10001:10001 \
  --workingdir /opt/diemcau \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_ENV=production \
  --env PORT=3000 \
  --env DATA_DIR=/var/lib/diemcau \
  --env HOME=/var/lib/diemcau \
  --env MEDIA_BRIDGE=mediasoup \
  --env MEDIASOUP_WORKER_BIN=/opt/diemcau/worker/mediasoup-worker \
  --env PROGRAM_FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
  $($slim && echo "--env SOFFICE_PATH=/nonexistent/soffice" || true) \
  --volume /var/lib/diemcau \
  --port 3000/tcp \
  --entrypoint '["/opt/diemcau/start"]' \
  --cmd '' \
  --stop-signal SIGTERM \
  --healthcheck 'CMD-SHELL /opt/diemcau/runtime/node /opt/diemcau/healthcheck.mjs' \
  --healthcheck-interval 30s \
  --healthcheck-timeout 5s \
  --healthcheck-start-period 30s \
  --label org.opencontainers.image.title=diemcau \
  --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.description="Coordinator for Vietnam's online government meetings" \
  "$container" >&2
buildah commit --quiet --format docker --rm "$container" "$tag" >&2
buildah tag "$tag" "localhost/diemcau:latest$($slim && echo -slim || true)" >&2
size=$(buildah images --format '{{.Size}}' "$tag" | head -1)
echo "image: $tag, $size" >&2
if $save; then
  mkdir -p "$out_dir"
  archive="$out_dir/diemcau-${version}$($slim && echo -slim || true).oci.tar"
  rm -f "$archive"
  buildah push --quiet "$tag" "oci-archive:$archive:$tag" >&2
  echo "image: saved $archive ($(du -h "$archive" | cut -f1)): podman load -i $archive" >&2
fi
echo "$tag"
