#!/usr/bin/env bash
# Installs the Python package (`import equalis`) for Debian's own python3, whose numpy and pandas come from
# Debian: builds the extension and copies the package into that interpreter's site-packages
# (/usr/local/lib/python3.11/dist-packages on Debian 12). Offline: nothing comes from PyPI. Run as root
# or with sudo; docs/python.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${EQUALIS_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh
preset=${EQUALIS_PRESET:-release}
[ -d "build/$preset" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target equalis_python
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO cmake --install "build/$preset" --component python
# Imported from outside the source tree, so that the installed copy is the one checked.
(cd / && /usr/bin/python3 -c "import equalis; print('installed: equalis', equalis.__version__, 'in', equalis.__path__[0])")
