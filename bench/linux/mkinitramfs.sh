#!/bin/sh
# The Linux peer of bench/linux_peer.py: a busybox-static initramfs for
# Debian's own linux-image-amd64, with the virtio-mmio and virtio-net
# modules of that kernel, a static UDP echo (udp_echo.c, built here with
# the host's gcc) and /init. Packages: scripts/bootstrap.sh --bench.
# Usage: bench/linux/mkinitramfs.sh OUT_DIR  -> OUT_DIR/initramfs.cpio.gz,
# and prints the kernel (/boot/vmlinuz-VERSION) it matches.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "mkinitramfs| no /boot/vmlinuz-*-amd64: run scripts/bootstrap.sh --bench" >&2; exit 1; }
kver=${kernel#/boot/vmlinuz-}
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
	{ echo "mkinitramfs| /bin/busybox is not busybox-static: run scripts/bootstrap.sh --bench" >&2; exit 1; }
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules"
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -s busybox "$root/bin/$app"; done
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/udp_echo" "$here/udp_echo.c"
# In dependency order (modinfo -F depends); /init loads them as listed in
# lib/modules/order.
mods="failover net_failover virtio_ring virtio virtio_mmio virtio_net"
echo "$mods" >"$root/lib/modules/order"
for m in $mods; do
	ko=$(find "/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
	[ -n "$ko" ] || { echo "mkinitramfs| module $m of $kver not found" >&2; exit 1; }
	case "$ko" in
	*.xz) xz -dc "$ko" >"$root/lib/modules/$m.ko" ;;
	*) cp "$ko" "$root/lib/modules/$m.ko" ;;
	esac
done
cp "$here/init" "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initramfs.cpio.gz"
echo "$kernel"
