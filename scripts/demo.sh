#!/usr/bin/env bash
# Builds stationd and replays a recorded packing shift through it: a serial scanner on a pty,
# a ZPL printer emulator on 127.0.0.1, orders from a drop folder. See demo/run_demo.py.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh
python3 demo/run_demo.py --build build
