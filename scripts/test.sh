#!/usr/bin/env bash
# Builds (if needed) and runs every test: the README's test command, also run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser test of the study report needs Chromium (not needed by the demo, so installed only here).
# EQUALIS_SKIP_SETUP=1 leaves the machine as it is (the test then fails if Chromium is missing, unless the
# build was configured with -DEQUALIS_BROWSER_TESTS=OFF).
[ "${EQUALIS_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh --test-tools
preset=${EQUALIS_PRESET:-release}
[ -d "build/$preset" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
