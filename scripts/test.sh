#!/usr/bin/env bash
# Builds (if needed) and runs every test: the README's test command, also run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${EQUALIS_PRESET:-release}
[ -d "build/$preset" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
