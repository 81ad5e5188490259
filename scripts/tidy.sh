#!/usr/bin/env bash
# Runs clang-tidy (Debian's 14, config in .clang-tidy) over the given files, or every source file, using the
# release build's compile_commands.json. Not part of CI yet: run it on the files a change touches.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/release/compile_commands.json ] || cmake --preset release >/dev/null
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(git ls-files 'src/*.cpp' 'apps/*.cpp'); fi
clang-tidy -p build/release --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}" 2>/dev/null | grep -E "warning:|error:" || echo "tidy: no findings"
