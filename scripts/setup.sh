#!/usr/bin/env bash
# Installs every Debian 12 package that stationd needs to build, run its
# demo and run its tests. Safe to run again: apt-get skips what is present.
set -euo pipefail

packages=(
    # Toolchain
    build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
    # Libraries the daemon links
    libboost-dev libboost-system-dev libzxing-dev libopencv-dev
    libusb-1.0-0-dev libsqlite3-dev libtomlplusplus-dev nlohmann-json3-dev
    libspdlog-dev libfmt-dev libcli11-dev libevdev-dev libudev-dev libsystemd-dev libcrypt-dev
    # Tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev umockdev evemu-tools socat
    zint sqlite3 python3
)

# The label oracle tests run the npm package zpl-renderer-js, which needs Node.js and npm.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed'; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: run this script as root (or with sudo) to install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
