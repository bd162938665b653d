"""`--pcap FILE`: every frame the tool sends and receives, with its time,
in a pcap file (Ethernet link type) that tcpdump and Wireshark open;
written by scapy's RawPcapWriter."""
import time

from tessera.errors import TesseraError


class Capture:
    def __init__(self, path):
        try:
            from scapy.utils import RawPcapWriter
        except ImportError:
            raise TesseraError("--pcap needs python3-scapy (scripts/bootstrap.sh installs it)") from None
        try:
            self._w = RawPcapWriter(path, linktype=1, sync=False)  # 1: DLT_EN10MB
            self._w.write_header(None)
        except OSError as e:
            raise TesseraError("--pcap %s: %s" % (path, e.strerror)) from None
        self.frames = 0

    def add(self, frame):
        t = time.time()
        sec = int(t)
        self._w.write_packet(frame, sec=sec, usec=int((t - sec) * 1e6))
        self.frames += 1

    def close(self):
        self._w.close()
