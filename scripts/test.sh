#!/usr/bin/env bash
# Runs every test: type check, then unit, SQLite, PostgreSQL and browser (Chromium) projects.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
bash scripts/ensure-python-stats.sh
node -e 'const [m]=process.versions.node.split(".").map(Number); if (m<24) { console.error("Tests need Node 24 (the project installs it: run through npm)."); process.exit(1) }'
# The static checks are independent and each uses one core: the type check runs beside the formatter, lint and the
# module-boundary check, and the tests start once all have passed.
tsc -p . &
TSC=$!
prettier --check src test bench scripts
eslint src bench test scripts
node scripts/check-boundaries.ts
wait "$TSC"
vitest run "$@"
