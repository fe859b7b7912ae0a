#!/usr/bin/env bash
# One-time (and idempotent) setup: uv, the locked Python environment, and the Debian
# packages the reports need. Used by `make report`, `make test` and `make ui`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never PATH="$HOME/.local/bin:$PATH"

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv" >&2
  python3 -m pip install --user --quiet uv 2>/dev/null \
    || python3 -m pip install --user --quiet --break-system-packages uv \
    || pipx install uv
fi

# Debian packages: CJK fonts, HarfBuzz subsetting (fast PDF font embedding), pdftoppm.
SYSTEM_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils fontconfig)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

uv sync --frozen --quiet
