#!/usr/bin/env bash
# Installs the real image tools the seguro-image tests compare with: Debian's `umoci`
# (builds OCI layouts layer by layer) and `skopeo` (converts them to docker-archive and
# oci-archive). Neither starts a service. Idempotent: does nothing when both are present.
set -euo pipefail

if command -v umoci >/dev/null 2>&1 && command -v skopeo >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "image-tools.sh: not root and no sudo; install umoci and skopeo by hand" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends umoci skopeo >/dev/null
umoci --version
skopeo --version
