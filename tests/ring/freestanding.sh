#!/bin/sh
# The runtime and every example shard compile freestanding (no libc headers:
# -nostdinc, only the compiler's own stddef/stdint/stdatomic/stdarg) for each
# target architecture, against the stand-in config. Compile only.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
res=$(clang -print-resource-dir)
n=0
for t in aarch64-none-elf riscv64-unknown-elf x86_64-unknown-elf; do
	for f in "$root"/shards/runtime/*.c "$root"/shards/runtime/freestanding/*.c "$root"/shards/examples/*/*.c; do
		clang --target=$t -std=c11 -ffreestanding -fno-builtin -nostdinc -isystem "$res/include" \
			-Wall -Wextra -Werror -O2 -I"$root/shards/include" -I"$root/kern/include" \
			-I"$root/tests/ring/standin" -c "$f" -o "$out/o.o"
		n=$((n + 1))
	done
done
echo "$n passed, 0 failed"
