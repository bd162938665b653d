#!/bin/sh
# Build channel_bench in a non-sanitized Release tree (build/bench), run it
# three times and print each run and the median of the three (median.py).
# Arguments go to channel_bench: [messages] [round_trips] [rounds] [cpu_a]
# [cpu_b] [only]. Spinning threads: run it on an otherwise idle machine, the
# load average is printed with every run.
set -eu
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTESS_SANITIZE=OFF >/dev/null
cmake --build build/bench --target channel_bench -- -j2 >/dev/null
echo "bench| $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus, $(uname -sr)"
out=build/bench/runs
mkdir -p "$out"
for i in 1 2 3; do
	echo "bench| run $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	build/bench/bench/channel_bench "$@" | tee "$out/run$i.txt"
done
/usr/bin/python3 bench/median.py "$out"/run1.txt "$out"/run2.txt "$out"/run3.txt
