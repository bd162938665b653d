"""`tessera traffic`, host side of a running pipeline's wire: UDP frames
carrying sequence numbers sent to a guest over QEMU's `-netdev dgram`
framing (one Ethernet frame per UDP datagram; the simulator's `--net`
speaks the same), echoes checked and counted. frames: building and
checking frames (plain struct packing on the fast path, scapy for ARP,
malformed frames and pcap files); run: the send/receive loop (offered
load, bursts, window, timeouts); report: the figures, as text or JSON."""
