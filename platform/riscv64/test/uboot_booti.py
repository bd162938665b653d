#!/usr/bin/python3
"""Boot a riscv64 Tessera image the way a board would: OpenSBI -> U-Boot
(S-mode, Debian's u-boot-qemu) -> `booti`, which checks the RISC-V Image
header (magic2 "RSC\\x05", image_size, text_offset) and moves the image to
RAM + text_offset. Exits 0 once the kernel has verified the image and
started NSHARDS shards, 1 otherwise; prints the console's last lines.

Usage: platform/riscv64/test/uboot_booti.py IMAGE [NSHARDS]
Needs: u-boot-qemu (scripts/bootstrap.sh). A manual check, not run by the tests.
"""
import re
import subprocess
import sys
import threading
import time

UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
LOAD = 0x84000000  # where QEMU puts the image; booti moves it
DEADLINE = 30.0


def main():
    img = sys.argv[1]
    nshards = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    p = subprocess.Popen(["qemu-system-riscv64", "-machine", "virt", "-smp", "4", "-m", "256M", "-bios", "default",
                          "-kernel", UBOOT, "-nographic", "-no-reboot",
                          "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (img, LOAD)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, cv = [], threading.Condition()

    def read():
        for raw in p.stdout:
            with cv:
                lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                cv.notify_all()

    def wait(pred):
        end = time.monotonic() + DEADLINE
        with cv:
            while not pred(lines):
                if time.monotonic() > end:
                    return False
                cv.wait(0.2)
        return True

    def count(pattern):
        return lambda ls: sum(1 for ln in ls if re.search(pattern, ln))

    threading.Thread(target=read, daemon=True).start()
    try:
        ok = wait(count(r"Hit any key to stop autoboot"))
        for _ in range(3):  # stop autoboot, get a prompt
            p.stdin.write(b"\n")
            p.stdin.flush()
            time.sleep(0.2)
        p.stdin.write(b"booti 0x%x - ${fdtcontroladdr}\n" % LOAD)
        p.stdin.flush()
        ok = ok and wait(count(r"kern\| image: \d+ parts verified"))
        ok = ok and wait(lambda ls: count(r"kern\| shard \S+: started on core")(ls) >= nshards)
    finally:
        p.kill()
        p.wait()
    print("\n".join(ln for ln in lines if "kern|" in ln))
    started = count(r"kern\| shard \S+: started on core")(lines)
    print("uboot_booti: %s (%d shards started)" % ("ok" if ok else "FAILED", started))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
