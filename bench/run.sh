#!/bin/sh
# Build channel_bench in a non-sanitized Release tree (build/bench) and run
# it. Arguments go to channel_bench: [messages] [round_trips] [reps] [cpu_a] [cpu_b].
set -eu
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESS_SANITIZE=OFF >/dev/null
cmake --build build/bench --target channel_bench -- -j2 >/dev/null
echo "bench| $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus, $(uname -sr)"
exec build/bench/bench/channel_bench "$@"
