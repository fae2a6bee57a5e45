#!/usr/bin/env bash
# The survey statistics are checked against SciPy and statsmodels (src/modules/surveys/analysis/scipy.unit.test.ts) run by
# Debian's python3 (/usr/bin/python3, or SLI_PYTHON) with Debian's python3-scipy and python3-statsmodels; never pip.
set -euo pipefail
PY="${SLI_PYTHON:-/usr/bin/python3}"
if [ -x "$PY" ] && "$PY" -c 'import numpy, scipy, statsmodels' 2>/dev/null; then exit 0; fi
if [ -z "${SLI_PYTHON:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's python3-scipy and python3-statsmodels for the survey statistics tests…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-scipy python3-statsmodels >/dev/null) || {
    echo "Could not install them with apt-get. Install them (apt-get install python3-scipy python3-statsmodels) or set SLI_PYTHON to a Python that has scipy and statsmodels." >&2
    exit 1
  }
else
  echo "$PY lacks scipy or statsmodels: install Debian's packages (sudo apt-get install python3-scipy python3-statsmodels) or set SLI_PYTHON to a Python that has both." >&2
  exit 1
fi
