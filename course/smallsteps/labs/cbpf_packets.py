"""Chapter 5 lab, the traffic: Ethernet frames with IPv4, IPv6 and ARP inside, and a seeded sample of them."""
from __future__ import annotations

import random
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from .cbpf_isa import CbpfError

SEED = 2020
"""Default seed: the year of the talk."""

# --- packets -------------------------------------------------------------------------------

ETH_P_IP, ETH_P_ARP, ETH_P_IPV6 = 0x0800, 0x0806, 0x86DD
IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP = 1, 6, 17, 132
_PROTO_NAMES = {IPPROTO_ICMP: "icmp", IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp", IPPROTO_SCTP: "sctp"}


@dataclass(frozen=True)
class Packet:
    """A frame built by this lab, with what it is (so tests can know the right answer)."""

    data: bytes
    """The bytes, starting with the Ethernet header (as a packet socket sees them)."""
    kind: str
    """'ipv4', 'ipv6' or 'arp'."""
    proto: str | None = None
    """'tcp', 'udp', 'sctp', 'icmp' (IP only)."""
    sport: int | None = None
    """Source port (TCP/UDP/SCTP)."""
    dport: int | None = None
    """Destination port (TCP/UDP/SCTP)."""
    fragment: bool = False
    """A later IPv4 fragment (offset > 0): it has no transport header."""
    truncated: bool = False
    """Cut short before the transport header ends."""

    @property
    def label(self) -> str:
        """A short description, e.g. 'ipv4/tcp 51000->22'."""
        if self.kind == "arp":
            return "arp"
        ports = f" {self.sport}->{self.dport}" if self.sport is not None else ""
        extra = " frag" if self.fragment else ""
        extra += " cut" if self.truncated else ""
        return f"{self.kind}/{self.proto}{ports}{extra}"


_MAC_A = bytes.fromhex("020000000001")
_MAC_B = bytes.fromhex("020000000002")


def _eth(ethertype: int, payload: bytes) -> bytes:
    return _MAC_B + _MAC_A + struct.pack("!H", ethertype) + payload


def _l4(proto: int, sport: int, dport: int, payload: bytes) -> bytes:
    if proto == IPPROTO_TCP:
        return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0) + payload
    if proto in (IPPROTO_UDP, IPPROTO_SCTP):
        if proto == IPPROTO_UDP:
            return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        return struct.pack("!HHII", sport, dport, 0, 0) + payload
    return struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload  # ICMP echo request


def ipv4_packet(
    proto: str = "tcp", sport: int = 51000, dport: int = 22, *, options: int = 0,
    frag_offset: int = 0, payload: bytes = b"", cut_to: int | None = None,
) -> Packet:
    """Ethernet + IPv4 (+ `options` 4-byte words of IP options) + TCP/UDP/SCTP/ICMP.

    `frag_offset` > 0 makes a later fragment (no transport header, the bytes where ports would be
    are payload). `cut_to` truncates the frame to that many bytes.
    """
    number = {v: k for k, v in _PROTO_NAMES.items()}[proto]
    body = payload if frag_offset else _l4(number, sport, dport, payload)
    ihl = 5 + options
    header = struct.pack(
        "!BBHHHBBH4s4s", (4 << 4) | ihl, 0, 4 * ihl + len(body), 1, frag_offset & 0x1FFF, 64, number, 0,
        bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]),
    ) + b"\x01" * (4 * options)  # NOP options
    data = _eth(ETH_P_IP, header + body)
    truncated = cut_to is not None and cut_to < len(data) - len(payload)
    if cut_to is not None:
        data = data[:cut_to]
    has_ports = proto != "icmp" and not frag_offset
    return Packet(
        data, "ipv4", proto, sport if has_ports else None, dport if has_ports else None,
        fragment=frag_offset > 0, truncated=truncated,
    )


def ipv6_packet(proto: str = "tcp", sport: int = 51000, dport: int = 22, *, payload: bytes = b"") -> Packet:
    """Ethernet + IPv6 (no extension headers) + TCP/UDP/SCTP."""
    number = {v: k for k, v in _PROTO_NAMES.items()}[proto]
    body = _l4(number, sport, dport, payload)
    header = struct.pack("!IHBB16s16s", 6 << 28, len(body), number, 64, b"\xfd" + b"\0" * 14 + b"\1",
                         b"\xfd" + b"\0" * 14 + b"\2")
    return Packet(_eth(ETH_P_IPV6, header + body), "ipv6", proto, sport, dport)


def arp_packet() -> Packet:
    """Ethernet + an ARP request."""
    arp = struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, 1, _MAC_A, bytes([10, 0, 0, 1]), b"\0" * 6,
                      bytes([10, 0, 0, 2]))
    return Packet(_eth(ETH_P_ARP, arp), "arp")


def port_matches(pkt: Packet, port: int, protos: Iterable[str] = ("tcp", "udp", "sctp"),
                 families: Iterable[str] = ("ipv4", "ipv6")) -> bool:
    """The right answer, from what the packet *is*: IP of `families`, transport in `protos`,
    `port` as source or destination, not a later fragment, not cut short."""
    return (
        pkt.kind in tuple(families) and pkt.proto in tuple(protos) and not pkt.fragment
        and not pkt.truncated and port in (pkt.sport, pkt.dport)
    )


def sample_traffic(n: int = 300, seed: int = SEED) -> list[Packet]:
    """A seeded mix of `n` frames: mostly IPv4 TCP/UDP, some IPv6, ARP and ICMP, and a few tricky
    ones (IPv4 options, later fragments, truncated frames) that a careless filter gets wrong."""
    if n < 0:
        raise CbpfError(f"n must be 0 or more, got {n}")
    rng = random.Random(seed)
    tcp_ports = [22, 22, 80, 443, 443, 8080]
    udp_ports = [53, 53, 123, 22, 5353]

    def port(choices: list[int]) -> tuple[int, int]:
        service = rng.choice(choices)
        client = rng.randrange(32768, 61000)
        return (client, service) if rng.random() < 0.6 else (service, client)

    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.42:
            out.append(ipv4_packet("tcp", *port(tcp_ports)))
        elif r < 0.62:
            out.append(ipv4_packet("udp", *port(udp_ports)))
        elif r < 0.70:
            out.append(ipv6_packet("tcp", *port(tcp_ports)))
        elif r < 0.74:
            out.append(ipv6_packet("udp", *port(udp_ports)))
        elif r < 0.82:
            out.append(arp_packet())
        elif r < 0.86:
            out.append(ipv4_packet("icmp"))
        elif r < 0.92:
            out.append(ipv4_packet("tcp", *port(tcp_ports), options=rng.randint(1, 3)))
        elif r < 0.96:
            # A later fragment whose payload happens to hold 22 where ports would be.
            payload = struct.pack("!HH", 22, 22) + b"x" * 8
            out.append(ipv4_packet("tcp", frag_offset=rng.randint(1, 100), payload=payload))
        else:
            out.append(ipv4_packet("tcp", *port(tcp_ports), cut_to=rng.randint(14, 33)))
    return out
