#!/usr/bin/env bash
# Kho Học Liệu set-up on a fresh Debian/Ubuntu machine with Python 3.11+.
#   ./dev.sh app    install, load the demo catalogue, serve http://127.0.0.1:8000
#   ./dev.sh test   install (with test tools and Chromium), then lint and run every test
# System packages come from apt when missing; Python packages go into ./.venv.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  # Installs the Debian packages named, if any is missing.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]} with apt" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

python_env() {
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "dev.sh: Python 3.11 or newer is needed (found $("$PYTHON" --version))" >&2; exit 2; }
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" 2>/dev/null || {
      apt_install python3-venv; rm -rf "$VENV"; "$PYTHON" -m venv "$VENV"; }
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".$1"
}

system_packages() {
  # ffmpeg for the video pipeline; libmagic to tell file types by content; fonts with
  # Vietnamese glyphs for PDFs and screenshots.
  # poppler-utils draws PDF thumbnails; libwmf-bin (with the URW fonts for its text) the WMF
  # previews of MathType equations that cannot be read.
  apt_install ffmpeg libmagic1 poppler-utils fonts-dejavu-core fonts-liberation2 libwmf-bin fonts-urw-base35 "$@"
}

case "${1:-}" in
  app)
    system_packages
    python_env ""
    "$VENV/bin/kholieu" demo
    exec "$VENV/bin/kholieu" serve "${@:2}"
    ;;
  test)
    system_packages chromium
    python_env "[dev]"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    exec "$VENV/bin/python" -m pytest "${@:2}"
    ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
