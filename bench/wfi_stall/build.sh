#!/bin/sh
# Build the reproducer (README.md here):
#   bench/wfi_stall/build.sh [OUT] [TICKS] [CORES] [BUSY0]
# TICKS: timer period (62.5 MHz counter); CORES: 2-4; BUSY0: 1 = core 0
# never waits (it kicks the others every 1024 iterations).
set -eu
cd "$(dirname "$0")"
out=${1:-../../build/wfi_stall}
ticks=${2:-6250}
cores=${3:-2}
busy=${4:-0}
mkdir -p "$out"
clang --target=aarch64-none-elf -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-builtin -nostdlib -O2 \
	-Wall -Wextra -Werror -DTESS_WFI_TICKS="$ticks" -DTESS_WFI_TICKS_STR="\"$ticks\"" -DTESS_WFI_CORES="$cores" -DTESS_WFI_BUSY0="$busy" \
	-fuse-ld=lld -Wl,-T,link.ld -o "$out/wfi_stall.elf" start.S repro.c
echo "$out/wfi_stall.elf"
