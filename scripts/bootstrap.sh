#!/bin/sh
# Install the Debian packages Tessera needs. Idempotent, and quick when
# everything is present (one dpkg-query, no network).
set -eu
PKGS="cmake ninja-build clang lld llvm clang-format libclang-rt-14-dev
python3-jinja2 python3-ruamel.yaml python3-jsonschema python3-libfdt libfdt-dev
python3-hypothesis python3-pytest python3-serial python3-cryptography graphviz
device-tree-compiler linux-libc-dev qemu-system-arm qemu-system-misc
qemu-system-x86 libdpdk-dev libck-dev linux-source-6.1 xz-utils gdb-multiarch
u-boot-qemu valgrind python3-scapy"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
	echo "bootstrap| installing:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
