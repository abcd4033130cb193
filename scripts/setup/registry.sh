#!/usr/bin/env bash
# Installs what the registry tests need, without starting any service:
#   - Debian's `docker-registry` (CNCF distribution 2.8), unpacked from its .deb into
#     /opt/seguro-registry (its postinst would create a user and start a system service
#     with the packaged config, so the package is never installed);
#   - `skopeo`, to push test images from OCI layouts (no service; `apt-get install`).
# Idempotent: does nothing when both are already there. Needs root and apt (Debian
# bookworm). The tests find the registry at /opt/seguro-registry/usr/bin/docker-registry
# (or `docker-registry` on PATH) and skip with a note when it is absent.
set -euo pipefail

PREFIX="${SEGURO_REGISTRY_PREFIX:-/opt/seguro-registry}"
REGISTRY_BIN="$PREFIX/usr/bin/docker-registry"

need_update=1
apt_update_once() {
  if [ "$need_update" = 1 ]; then
    apt-get update -qq
    need_update=0
  fi
}

if [ ! -x "$REGISTRY_BIN" ]; then
  apt_update_once
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # `apt-get download` writes into the current directory and runs as the `_apt` user:
  # give it a directory it may write.
  chmod 0777 "$work"
  (cd "$work" && apt-get download -qq docker-registry)
  mkdir -p "$PREFIX"
  dpkg-deb -x "$work"/docker-registry_*.deb "$PREFIX"
  "$REGISTRY_BIN" --version
fi

if ! command -v skopeo >/dev/null 2>&1; then
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends skopeo >/dev/null
  skopeo --version
fi
