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

# Debian packages the reports need: CJK fonts, HarfBuzz subsetting (fast PDF font
# embedding), pdftoppm. With --test also what the operations tests use (Chromium for the
# UI screenshots, PostgreSQL for the production instance); those tests skip, saying why,
# where these cannot be installed.
SYSTEM_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils fontconfig)
TEST_PACKAGES=(chromium postgresql)

missing_of() {
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mapfile -t missing < <(missing_of "${SYSTEM_PACKAGES[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    apt_install "${missing[@]}"
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--test" ]; then
  mapfile -t missing < <(missing_of "${TEST_PACKAGES[@]}")
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "setup: installing ${missing[*]} (for the operations tests)" >&2
      apt_install "${missing[@]}" || echo "setup: could not install ${missing[*]}; those tests will be skipped" >&2
    else
      echo "setup: ${missing[*]} not installed and not root: the tests that need them are skipped" >&2
    fi
  fi
fi

# Bytecode compiled once here, so that runs start fast even where PYTHONDONTWRITEBYTECODE=1
# is set (without it every run compiles its imports again: seconds).
uv sync --frozen --quiet --compile-bytecode
uv run --frozen --quiet python -m compileall -q pipeline assets demo
