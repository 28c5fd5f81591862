#!/usr/bin/env bash
# Installs the system libraries and tools gwc needs, when they are missing.
set -euo pipefail
missing=()
pkg-config --exists yaml-0.1 2>/dev/null || missing+=(libyaml-dev)
pkg-config --exists jansson 2>/dev/null || missing+=(libjansson-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)   # promtool checks gwrun's /metrics
pkg-config --exists libxcrypt 2>/dev/null || missing+=(libcrypt-dev)   # crypt_r: bcrypt and crypt htpasswd hashes
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)   # e2e-policies makes its basic-auth users with it
command -v chromium >/dev/null 2>&1 || missing+=(chromium)   # e2e-policies: a real browser as the CORS client
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)   # e2e-upstream counts upstream connections
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)   # e2e-shared-limits: the replicas' shared rate limits
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
