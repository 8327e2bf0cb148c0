#!/usr/bin/env bash
# Brings a fresh Debian machine (as root) to a working checkout: the native
# build packages canvas needs, then `npm ci`. Fast when everything is present.
# The Dockerfile mirrors these steps; keep the two in step.
#   scripts/setup.sh            runtime + build packages, npm ci
#   scripts/setup.sh --browser  also what the whole test suite needs (CI runs this): Debian's chromium,
#                               for the browser test, and postgresql, whose server binaries the
#                               PostgreSQL tests run a throwaway cluster with
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential python3 pkg-config libcairo2-dev libpango1.0-dev libgif-dev librsvg2-dev libjpeg-dev)
[[ "${1:-}" == "--browser" ]] && packages+=(chromium postgresql)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file or Node changed since the last successful install.
stamp="node_modules/.gradbot-setup"
want="$(sha256sum package-lock.json | cut -c1-64) $(node --version)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup: npm ci (builds canvas and better-sqlite3 from source; a few minutes the first time)"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
  # npm ci has just written several hundred MB: have them on disk now rather than flushed by the kernel while the
  # first run (or the tests, under CI) competes for the two cores; fresh-clone test runs took 152-164 s without, 136 s with.
  sync
fi
echo "setup: ready"
