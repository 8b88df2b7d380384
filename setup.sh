#!/usr/bin/env bash
# Installs what hone needs on Debian 12 (only what is missing), then builds it.
#   ./setup.sh            install and build
#   ./setup.sh --peers    also install the peer trainers that `make bench` compares with
set -euo pipefail
cd "$(dirname "$0")"

packages=(gcc make binutils pkg-config gawk gzip libopenblas-dev zlib1g-dev libinih-dev libcjson-dev
          libcmocka-dev dataset-fashion-mnist clang libclang-rt-14-dev)
if [ "${1:-}" = "--peers" ]; then
    packages+=(libfann-dev python3-sklearn python3-torch python3-numpy time)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
make -j"$(nproc)" all
