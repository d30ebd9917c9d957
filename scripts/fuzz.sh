#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (preset "fuzz") and runs each one for a fixed time on
# a copy of its seed corpus in tests/fuzz/corpus/NAME. Any crash, hang or sanitizer report
# fails the run. Set STATION_FUZZ_SECONDS to change the time per target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${STATION_FUZZ_SECONDS:-20}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers

shopt -s nullglob
fuzzers=(build-fuzz/tests/fuzz/*_fuzzer)
if [ "${#fuzzers[@]}" -eq 0 ]; then
    echo "fuzz: no fuzz targets were built" >&2
    exit 1
fi

for fuzzer in "${fuzzers[@]}"; do
    name="$(basename "$fuzzer" _fuzzer)"
    work="$(mktemp -d)"
    if [ -d "tests/fuzz/corpus/$name" ]; then
        cp -r "tests/fuzz/corpus/$name/." "$work/"
    fi
    echo "fuzz: $name for ${seconds}s"
    # -timeout: an input that takes longer than 5 s counts as a hang and fails the run.
    "$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -artifact_prefix="build-fuzz/$name-" -print_final_stats=0 "$work" 2>"build-fuzz/$name.log" || {
        echo "fuzz: $name failed; see build-fuzz/$name.log and build-fuzz/$name-*" >&2
        tail -n 40 "build-fuzz/$name.log" >&2
        exit 1
    }
    rm -rf "$work"
done
echo "fuzz: ${#fuzzers[@]} passed, 0 failed"
