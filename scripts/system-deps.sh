#!/usr/bin/env bash
# Debian packages govhall needs beyond Python: CJK fonts (PDFs embed them), gettext
# (compilemessages) and, for the browser tests, chromium. Installs only what is missing.
set -euo pipefail
want=()
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || want+=(fonts-noto-cjk)
command -v msgfmt >/dev/null || want+=(gettext)
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null || want+=(chromium)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "govhall needs these Debian packages: ${want[*]} (run: sudo apt-get install ${want[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${want[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
