#!/usr/bin/env bash
# Installs every build and test dependency of equalis from Debian 12 packages. Idempotent; run as root.
#   scripts/setup.sh               what the build, the unit tests and the demo need
#   scripts/setup.sh --test-tools  also the tools of the slower tests: headless Chromium and a CJK font for
#                                  the study report's browser test, pytest, matplotlib, tqdm and geopandas
#                                  for the Python package's tests (scripts/test.sh asks for them)
set -euo pipefail
test_tools=0
for arg in "$@"; do
  case "$arg" in
    --test-tools) test_tools=1 ;;
    *) echo "setup: unknown option $arg (known: --test-tools)" >&2; exit 2 ;;
  esac
done
packages=(
  build-essential cmake ninja-build pkg-config clang libomp-dev clang-format clang-tidy
  libcli11-dev nlohmann-json3-dev libfmt-dev libfast-float-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libeigen3-dev libnanoflann-dev libgdal-dev
  libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev
  coinor-libcbc-dev libtomlplusplus-dev
  python3-dev pybind11-dev python3-numpy python3-pandas
)
if [ "$test_tools" -eq 1 ]; then
  packages+=(chromium fonts-wqy-microhei python3-pytest python3-matplotlib python3-tqdm python3-geopandas)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
