#!/bin/sh
# The README's test command: every test, from a fresh Debian machine.
set -eu
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh

echo "test| clang-format"
files=$(git ls-files '*.c' '*.h' | grep -v '^tests/fixtures/' || true)
[ -z "$files" ] || clang-format --dry-run -Werror $files

echo "test| host build (ASan/UBSan) and unit tests"
cmake -S . -B build/host -G Ninja -DTESS_SANITIZE=ON >/dev/null
cmake --build build/host
(cd build/host && ctest --output-on-failure)

echo "test| pytest"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests
