#!/bin/sh
# kern/libc's memcpy/memset against the byte loops they replaced
# (libc_bench.c): built with clang in a non-sanitized Release tree
# (build/bench-libc), run natively (ns per call, best of 7 rounds) and under
# callgrind (instructions per call: deterministic, whatever the load).
set -eu
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cmake -S . -B build/bench-libc -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release \
	-DTESS_SANITIZE=OFF >/dev/null
cmake --build build/bench-libc --target libc_bench -- -j2 >/dev/null
bin=build/bench-libc/bench/libc_bench
echo "bench| $(lscpu | sed -n 's/^Model name: *//p'), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
$bin
out=build/bench-libc/callgrind
rm -rf "$out"
mkdir -p "$out"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" $bin 2>/dev/null
/usr/bin/python3 bench/libc_ir.py "$out"/callgrind.out.*
