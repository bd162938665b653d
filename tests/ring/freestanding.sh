#!/bin/sh
# The runtime, kern/libc and every example shard compile freestanding (no
# libc headers: -nostdinc, only the compiler's own stddef/stdint/stdatomic/
# stdarg and kern/libc's string.h) for each target architecture, against the
# stand-in config. Compile only; one clang
# run per target (the file names are distinct, objects land in a temp dir).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
res=$(clang -print-resource-dir)
files=$(ls "$root"/shards/runtime/*.c "$root"/kern/libc/*.c "$root"/shards/examples/*/*.c)
n=0
for t in aarch64-none-elf riscv64-unknown-elf x86_64-unknown-elf; do
	(cd "$out" && clang --target=$t -std=c11 -ffreestanding -fno-builtin -nostdinc -isystem "$res/include" \
		-Wall -Wextra -Werror -O2 -I"$root/shards/include" -I"$root/kern/public" -I"$root/kern/libc/include" \
		-I"$root/tests/ring/standin" -c $files)
	n=$((n + $(echo "$files" | wc -w)))
done
echo "$n passed, 0 failed"
