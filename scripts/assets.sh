#!/usr/bin/env bash
# Third-party browser assets (htmx, idiomorph, bpmn-js) from the npm registry, pinned by assets/package-lock.json:
# `npm ci`, then copy the files govhall serves into src/govhall/portal/static/vendor/
# (git-ignored; collectstatic and the test server pick them up from there).
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=src/govhall/portal/static/vendor
stamp="$vendor/.installed"
if [[ -f "$stamp" && "$stamp" -nt assets/package-lock.json ]]; then
    exit 0
fi
npm ci --prefix assets --no-audit --no-fund --loglevel=error
modules=assets/node_modules
mkdir -p "$vendor/bpmn-js"
cp "$modules/htmx.org/dist/htmx.min.js" "$vendor/htmx.min.js"
cp "$modules/idiomorph/dist/idiomorph-ext.min.js" "$vendor/idiomorph-ext.min.js"
cp "$modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js" "$vendor/bpmn-js/"
cp "$modules/bpmn-js/dist/assets/diagram-js.css" "$vendor/bpmn-js/"
cp "$modules/bpmn-js/dist/assets/bpmn-js.css" "$vendor/bpmn-js/"
cp -r "$modules/bpmn-js/dist/assets/bpmn-font" "$vendor/bpmn-js/"
touch "$stamp"
