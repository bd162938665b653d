"""Boot the fault manifest of each arch under QEMU and check, from the
console, what the kernel did: every shard started on its core, the pipeline
counts with intact sequence numbers, the watchdog catches the spinning
shard and restarts it, the MMU stops six misbehaving shards (wild write,
ungranted device, executing data, writing the kernel, writing its own
code, overflowing its stack; on x86_64 also a NULL read, an undefined
instruction, a division by zero and an I/O port write) whose policy then
applies while the pipeline keeps counting; per-core registers are out of a
shard's reach and its thread register is its own; and bad images or a
board that does not match are refused before any shard runs.

One boot per arch serves the behaviour tests (module fixture); the refusal
tests boot modified copies of the same image."""
import hashlib
import os
import re
import shutil
import struct

import pytest

from harness import ARCHES, Qemu, build
from tessera import image
from tessera.arch import ARCHES as ARCH_TABLE

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAULT_SHARDS = {  # shard -> the fault the kernel must report (a tuple: one per start, in order)
    "wild": "write",
    "mmio": "write",
    "exec": "exec",
    "kwrite": "write",
    "wtext": "write",  # its own code: W^X
    "stack": "stack overflow",  # recursion into the guard page below its stack
    "null": "read",
    # x86_64 (platform/x86_64/test/fault_trap): #UD; #DE (kern has no
    # arithmetic fault kind); OUT to the console's port, never granted.
    "trap": ("undef", "other", "write at 0x3f8"),
}
# Device-driver shards: their line after init, and the line of each IRQ
# delivered (group 1: how many so far). PL031 (aarch64) and Goldfish
# (riscv64) RTC alarms; a virtio-rng request on x86_64.
DEVICE_SHARDS = {
    "rtc": ("shard:rtc| up (reason 0), alarm armed", r"^shard:rtc\| alarm (\d+)$"),
    "rng": ("shard:rng| up (reason 0), virtio-rng ready", r"^shard:rng\| interrupt (\d+): 16 random bytes$"),
}
SINK_LINE = r"shard:sink\| count=(\d+) last_seq=(\d+)"


@pytest.fixture(scope="module", params=ARCHES)
def built(request, tmp_path_factory):
    arch = request.param
    out = str(tmp_path_factory.mktemp("out-" + arch))
    return build(os.path.join(HERE, "manifests", "faults-%s.yaml" % arch), arch, out)


@pytest.fixture(scope="module")
def console(built):
    """The console of one boot, read until everything the tests look at
    has happened (or the harness deadline fails the fixture)."""
    with Qemu(built) as q:
        for s in built["shards"]:
            q.wait_line(r"kern\| shard %s: started on core" % re.escape(s["name"]))
        q.wait_line(r"shard:spin\| spinning")
        q.wait(lambda lines: any("kern| shard spin: restarted" in ln for ln in lines[_first(lines, "shard:spin| spinning"):]))
        faulty = [n for n in FAULT_SHARDS if _has(built, n)]
        for name in faulty:
            q.wait_line(r"kern\| shard %s: (restarted|halted)" % name, count=len(_kinds(name)))
        for dev, (_, irq_line) in DEVICE_SHARDS.items():
            if _has(built, dev):
                q.wait_line(irq_line, count=2)
        for fp in ("fpa", "fpb"):
            if _has(built, fp):
                q.wait_line(r"shard:%s\| fp ok 1000" % fp)
        if _has(built, "sysreg"):
            q.wait_line(r"shard:sysreg\| probes done \(\d+\)")
        # The pipeline must keep counting after the last fault was handled.
        last = max((i for i, ln in enumerate(q.lines) if faulty and re.search(r"kern\| shard (%s): " % "|".join(faulty), ln)), default=0)
        q.wait(lambda lines: sum(1 for ln in lines[last:] if re.search(SINK_LINE, ln)) >= 2)
        return list(q.lines)


def _has(built, shard):
    return any(s["name"] == shard for s in built["shards"])


def _kinds(name):
    kinds = FAULT_SHARDS[name]
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _first(lines, text):
    return next(i for i, ln in enumerate(lines) if ln.startswith(text))


def test_every_shard_started_on_its_core(built, console):
    """Each shard is started on its planned core and runs its init. (Not
    necessarily as its first start: without -icount a host hiccup can push
    the 20 ms watchdog of `spin` over before its first line.)"""
    for s in built["shards"]:
        want = "kern| shard %s: started on core %d" % (s["name"], s["core"])
        assert any(want in ln for ln in console), want
        assert any(re.match(r"shard:%s\| up \(reason [01]\)" % s["name"], ln) for ln in console), s["name"]


def test_sink_counts_with_intact_sequence_numbers(console):
    counts = [(int(m.group(1)), int(m.group(2))) for m in (re.search(SINK_LINE, ln) for ln in console) if m]
    assert len(counts) >= 2
    for i, (count, seq) in enumerate(counts):
        assert count == 100000 * (i + 1)
        assert seq == count - 1  # nothing lost, nothing repeated since seq 0
    assert not [ln for ln in console if "seq gap" in ln]


def test_watchdog_restarts_the_spinning_shard(console):
    """After "spinning" the shard never yields: the kernel reports the hang
    and restarts it. (Without -icount a host hiccup can stretch a healthy
    turn too, so only the hit that follows "spinning" is looked at.)"""
    i = next(i for i, ln in enumerate(console) if ln.startswith("shard:spin| spinning"))
    j = next(j for j, ln in enumerate(console)
             if j > i and re.search(r"kern\| shard spin: watchdog: no yield for \d+ ms", ln))
    k = next(k for k, ln in enumerate(console) if k > j and re.search(r"kern\| shard spin: restarted \(\d+/", ln))
    assert any(ln.startswith("shard:spin| up (reason 1)") for ln in console[k:])


@pytest.mark.parametrize("name", sorted(FAULT_SHARDS))
def test_mmu_stops_misbehaving_shard(built, console, name):
    if not _has(built, name):
        pytest.skip("no %s shard in this arch's manifest" % name)
    kinds = _kinds(name)
    faults = [ln for ln in console if re.search(r"kern\| shard %s: fault " % name, ln)]
    assert len(faults) >= len(kinds), "%d faults reported for %s" % (len(faults), name)
    for kind, line in zip(kinds, faults):
        assert re.search(r"kern\| shard %s: fault %s" % (name, kind if " at " in kind else kind + " at 0x[0-9a-f]+"),
                         line), line
    assert not [ln for ln in console if re.search(r"shard:%s\| .* did not fault" % name, ln)]
    assert [ln for ln in console if re.search(r"kern\| shard %s: restarted \(%d/" % (name, len(kinds)), ln)]
    assert any(ln.startswith("shard:%s| up (reason 1)" % name) for ln in console)


def test_stack_overflow_hits_the_guard_page(built, console):
    """Unbounded recursion faults on the unmapped page below the stack
    (planned in VA between the image and the stack), reported as a stack
    overflow at an address in that page, before anything of the shard's
    own data was overwritten (its .data canary is intact at every start)."""
    if not _has(built, "stack"):
        pytest.skip("no stack shard in this arch's manifest")
    shard = next(s for s in built["plan"].shards if s["name"] == "stack")
    stack = next(m for m in shard["maps"] if m["kind"] == "stack")
    faults = [int(m.group(1), 16) for m in (re.search(r"kern\| shard stack: fault stack overflow at 0x([0-9a-f]+) pc ", ln)
                                            for ln in console) if m]
    assert faults and all(stack["va"] - 4096 <= a < stack["va"] for a in faults), (faults, hex(stack["va"]))
    assert not [ln for ln in console if re.search(r"kern\| shard stack: fault (?!stack overflow)", ln)]
    ups = [ln for ln in console if ln.startswith("shard:stack| up (reason")]
    assert len(ups) >= 2 and all(ln.endswith("canary intact") for ln in ups), ups


def test_device_irq_reaches_its_shard(built, console):
    """A granted device IRQ (GIC SPI, PLIC source, IOAPIC GSI) is delivered
    to the driver shard, masked until it acks, and delivered again after
    the ack."""
    devs = [d for d in DEVICE_SHARDS if _has(built, d)]
    if not devs:
        pytest.skip("no device-driver shard in this arch's manifest")
    for dev in devs:
        up, irq_line = DEVICE_SHARDS[dev]
        assert any(ln == up for ln in console), up
        irqs = [int(m.group(1)) for m in (re.match(irq_line, ln) for ln in console) if m]
        assert irqs[:2] == [1, 2]


@pytest.mark.parametrize("name", ["fpa", "fpb"])
def test_fp_registers_belong_to_their_shard(built, console, name):
    """Two shards on one core keep FP values in registers across their
    yields: each finds its own values again (the kernel switches FP/SIMD
    state between them)."""
    if not _has(built, name):
        pytest.skip("no FP check shard in this arch's manifest")
    assert not [ln for ln in console if ln.startswith("shard:%s| fp state lost" % name)]
    assert "shard:%s| fp ok 1000" % name in console


# What a shard may write besides its general and FP/SIMD registers, which
# the kernel must keep per shard, as the fpa/fpb shards check it: the
# thread register (fp_check: aarch64 TPIDR_EL0, riscv64 tp), and on x86_64,
# where FS.base and GS.base are out of a shard's reach, the data segment
# selectors (fp_xmm). (start line, loss line)
USER_STATE = {"x86_64": ("checking the segment selectors", "selector state lost")}
THREAD_REGISTER = ("checking the thread register", "tp state lost")


@pytest.mark.parametrize("name", ["fpa", "fpb"])
def test_thread_register_belongs_to_its_shard(built, console, name):
    """The user-writable state of a core (aarch64 TPIDR_EL0, riscv64 tp,
    x86_64 DS/ES/FS/GS) is part of a shard's state: two shards on one core
    each find their own value again after yielding to the other."""
    if not _has(built, name):
        pytest.skip("no FP check shard in this arch's manifest")
    checking, lost = USER_STATE.get(built["arch"], THREAD_REGISTER)
    assert any(ln.startswith("shard:%s| up (reason 0), %s" % (name, checking)) for ln in console)
    assert not [ln for ln in console if ln.startswith("shard:%s| %s" % (name, lost))]
    assert "shard:%s| fp ok 1000" % name in console


def test_per_core_registers_are_out_of_reach(built, console):
    """A shard touching the timer (it could stop its core's tick, and with
    it the watchdog), the counters, the PMU, the debug channel, cache
    maintenance, the interrupt mask or a kernel register: each attempt is
    an undefined-instruction fault, the policy restarts the shard, and it
    goes on with the next (the platform's list: shard/sysreg.c)."""
    if not _has(built, "sysreg"):
        pytest.skip("no sysreg shard in this arch's manifest")
    done = [int(m.group(1)) for m in (re.match(r"shard:sysreg\| probes done \((\d+)\)$", ln) for ln in console) if m]
    assert len(done) == 1 and done[0] >= 6, done
    tried = [m.group(1) for m in (re.match(r"shard:sysreg\| probe (\d+): ", ln) for ln in console) if m]
    assert tried == [str(i) for i in range(done[0])], tried
    assert not [ln for ln in console if re.match(r"shard:sysreg\| .* did not fault", ln)]
    faults = [ln for ln in console if re.search(r"kern\| shard sysreg: fault ", ln)]
    assert len(faults) == done[0] and all(re.search(r"fault undef at 0x[0-9a-f]+ pc 0x[0-9a-f]+$", ln) for ln in faults), faults
    assert len([ln for ln in console if re.search(r"kern\| shard sysreg: restarted \(\d+/16", ln)]) == done[0]


def test_kernel_survives_without_panic(console):
    assert not [ln for ln in console if "panic" in ln]


def _boot_refused(built, img, expect):
    """Refusals happen before any shard or second core runs, so these boots
    use -icount (deterministic guest time; see bench/README.md for why the
    pipeline boots do not)."""
    with Qemu(built, image=img, icount=True) as q:
        q.wait_line(expect)
        q.wait_line(r"kern\| boot: refusing to start shards")
        assert not [ln for ln in q.lines if ln.startswith("shard:")]
        assert not [ln for ln in q.lines if "started on core" in ln]
        return list(q.lines)


# Where the boot loader itself refuses a cut image, by the arch's boot
# header kind (arch table image_header): QEMU loads an ELF image (x86_64's
# PVH ELF, docs/image.md) by its one PT_LOAD, which is the whole file, so a
# shorter file never reaches the kernel's check.
LOADER_REFUSES_CUT = {"elf-pvh": r"Error while loading elf kernel"}


def _cut_refused(built, img, expect):
    loader = LOADER_REFUSES_CUT.get(ARCH_TABLE[built["arch"]].image_header.kind)
    if loader is None:
        return _boot_refused(built, img, expect)
    with Qemu(built, image=img, icount=True) as q:
        q.wait_line(loader)
        assert q.proc.wait() != 0
        assert not [ln for ln in q.lines if ln.startswith(("kern|", "shard:"))]


def _copy(built, tmp_path, mutate):
    with open(built["image"], "rb") as f:
        data = bytearray(f.read())
    data = mutate(data)
    path = str(tmp_path / "bad.img")
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_corrupted_shard_part_is_refused(built, tmp_path):
    hdr, parts = image.read_header(built["image"])
    victim = parts[-1]

    def flip(d):
        d[victim["offset"] + victim["size"] // 2] ^= 0x5A
        return d

    _boot_refused(built, _copy(built, tmp_path, flip),
                  r"kern\| image: part %s: SHA-256 mismatch" % re.escape(victim["name"]))


def test_truncated_image_is_refused(built, tmp_path):
    """Cut in the middle of the last part: header intact, that part's hash fails."""
    hdr, parts = image.read_header(built["image"])
    victim = parts[-1]
    cut = victim["offset"] + victim["size"] // 2
    _cut_refused(built, _copy(built, tmp_path, lambda d: d[:cut]),
                 r"kern\| image: part %s: SHA-256 mismatch" % re.escape(victim["name"]))


def test_part_versions_are_covered_by_the_header_hash(built, tmp_path):
    """Each part carries its version id (the shard's version at boot and its
    anti-rollback floor, `tessera build --image-version`, default 1) after
    the part table; changing one without the header's SHA-256 is refused."""
    hdr, parts = image.read_header(built["image"])
    assert hdr["version"] == 2 and [p["version"] for p in parts] == [1] * len(parts)
    at = hdr["offset"] + image.HDR_SIZE + len(parts) * image.PART_SIZE + (len(parts) - 1) * image.PART_VERSION_SIZE

    def newer(d):
        struct.pack_into(image.PART_VERSION_FMT, d, at, 1 << 40)
        return d

    _boot_refused(built, _copy(built, tmp_path, newer), r"kern\| image: header SHA-256 mismatch: header is corrupt")


def test_image_of_another_manifest_is_refused(built, tmp_path):
    hdr, parts = image.read_header(built["image"])
    off = hdr["offset"]

    def other(d):
        fields = list(struct.unpack_from(image.HDR_FMT, d, off))
        fields[5] = hashlib.sha256(b"another manifest").digest()
        fields[6] = b"\0" * 32
        table = bytes(d[off + image.HDR_SIZE:off + fields[4]])
        fields[6] = hashlib.sha256(struct.pack(image.HDR_FMT, *fields) + table).digest()
        struct.pack_into(image.HDR_FMT, d, off, *fields)
        return d

    _boot_refused(built, _copy(built, tmp_path, other), r"kern\| image: built for manifest [0-9a-f]+")


# QEMU options that make the machine differ from the board file, and the
# `kern| dtb:` line each must produce. Later QEMU options override earlier.
MISMATCHES = {
    "ram": (["-m", "128M"], r"kern\| dtb: board RAM 0x[0-9a-f]+-0x[0-9a-f]+ is not inside any /memory range"),
    "cores": (["-smp", "2"], r"kern\| dtb: manifest uses core 3, the DTB has no cpu with reg 3"),
}
# The interrupt controller the kernel drives: GICv3 on aarch64, the PLIC
# on riscv64 (its AIA variant, APLIC + IMSIC, replaces the PLIC node), the
# second IOAPIC on x86_64. x86_64 has no DTB: its own lines for RAM (PVH
# memory map) and cores (ACPI MADT) override the ones above.
ARCH_MISMATCHES = {
    "aarch64": {"intc": (["-machine", "virt,gic-version=2"], r"kern\| dtb: device intc \(arm,gic-v3\) at 0x8000000: "
                                                                r"not in the DTB")},
    "riscv64": {"intc": (["-machine", "virt,aia=aplic-imsic"],
                         r"kern\| dtb: device plic \(sifive,plic-1\.0\.0\) at 0xc000000: not in the DTB")},
    "x86_64": {
        "ram": (["-m", "128M"], r"kern\| board: RAM 0x100000-0x10000000 is not inside any RAM range of the PVH "
                                r"memory map"),
        "cores": (["-smp", "2"], r"kern\| board: manifest uses core 3, the ACPI MADT has no enabled CPU with APIC "
                                 r"ID 3"),
        "intc": (["-machine", "microvm,ioapic2=off"],
                 r"kern\| board: device ioapic1 \(qemu,ioapic\) at 0xfec10000: not in the ACPI MADT")},
}


@pytest.mark.parametrize("what", ["ram", "cores", "intc"])
def test_board_mismatch_is_refused(built, what):
    """The machine differs from the board file: the DTB check names what."""
    case = ARCH_MISMATCHES.get(built["arch"], {}).get(what) or MISMATCHES.get(what)
    if case is None:
        pytest.skip("no %s mismatch case for %s" % (what, built["arch"]))
    args, expect = case
    with Qemu(built, extra=args) as q:
        q.wait_line(expect)
        q.wait_line(r"kern\| boot: refusing to start shards")
        assert not [ln for ln in q.lines if ln.startswith("shard:")]


def test_raw_kernel_without_parts_is_refused(built, tmp_path):
    path = str(tmp_path / "raw.bin")
    shutil.copyfile(built["image"], path)
    hdr, _ = image.read_header(built["image"])
    with open(path, "r+b") as f:
        f.truncate(hdr["offset"])
    _cut_refused(built, path, r"kern\| image: no Tessera header")


def test_image_must_fit_the_kernel_reserve(built, tmp_path):
    """The packer refuses an image larger than the board's kernel reserve."""
    from tessera.errors import TesseraError

    size = os.path.getsize(built["image"])
    shards = [dict(s) for s in built["shards"]]
    hdr, _ = image.read_header(built["image"])
    with pytest.raises(TesseraError, match=r"do not fit the kernel reserve of %d bytes" % (size - 1)):
        image.pack(built["elf"], shards, hdr["manifest_hash"], 0x40000000, size - 1, 0, str(tmp_path / "x.img"))
