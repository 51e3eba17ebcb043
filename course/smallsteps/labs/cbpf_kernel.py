"""Chapter 5 lab, the filters tcpdump writes and the real kernel verifier (Linux only: a filter attached to a
UDP socket with SO_ATTACH_FILTER, no root needed; elsewhere verdicts recorded on Linux)."""
from __future__ import annotations

import struct
import sys
from collections.abc import Sequence

from .cbpf_isa import BPF_K, BPF_LD, BPF_MEM, BPF_RET, Insn, assemble, from_tuples

# --- filters -------------------------------------------------------------------------------

KERNEL_DOC_PORT_22 = from_tuples([
    (0x28, 0, 0, 0x0000000C), (0x15, 0, 8, 0x000086DD), (0x30, 0, 0, 0x00000014),
    (0x15, 2, 0, 0x00000084), (0x15, 1, 0, 0x00000006), (0x15, 0, 17, 0x00000011),
    (0x28, 0, 0, 0x00000036), (0x15, 14, 0, 0x00000016), (0x28, 0, 0, 0x00000038),
    (0x15, 12, 13, 0x00000016), (0x15, 0, 12, 0x00000800), (0x30, 0, 0, 0x00000017),
    (0x15, 2, 0, 0x00000084), (0x15, 1, 0, 0x00000006), (0x15, 0, 8, 0x00000011),
    (0x28, 0, 0, 0x00000014), (0x45, 6, 0, 0x00001FFF), (0xB1, 0, 0, 0x0000000E),
    (0x48, 0, 0, 0x0000000E), (0x15, 2, 0, 0x00000016), (0x48, 0, 0, 0x00000010),
    (0x15, 0, 1, 0x00000016), (0x06, 0, 0, 0x0000FFFF), (0x06, 0, 0, 0x00000000),
])
"""`tcpdump -i em1 port 22 -dd`, as printed in the kernel's Documentation/networking/filter.rst."""

FILTERS: dict[str, tuple[Insn, ...]] = {
    "port 22 (kernel docs)": KERNEL_DOC_PORT_22,
    "ip and tcp port 22": assemble("""
        (000) ldh      [12]              ; EtherType
        (001) jeq      #0x800   jt 2  jf 12
        (002) ldb      [23]              ; IPv4 protocol
        (003) jeq      #0x6     jt 4  jf 12
        (004) ldh      [20]              ; flags + fragment offset
        (005) jset     #0x1fff  jt 12 jf 6
        (006) ldxb     4*([14]&0xf)      ; X = IPv4 header length
        (007) ldh      [x + 14]          ; TCP source port
        (008) jeq      #0x16    jt 11 jf 9
        (009) ldh      [x + 16]          ; TCP destination port
        (010) jeq      #0x16    jt 11 jf 12
        (011) ret      #262144
        (012) ret      #0
    """),
    "arp": assemble("""
        (000) ldh      [12]
        (001) jeq      #0x806   jt 2  jf 3
        (002) ret      #262144
        (003) ret      #0
    """),
    "ip6": assemble("""
        (000) ldh      [12]
        (001) jeq      #0x86dd  jt 2  jf 3
        (002) ret      #262144
        (003) ret      #0
    """),
}
"""Named filters written the way `tcpdump -d` prints them."""


def solution_udp_port_53() -> tuple[Insn, ...]:
    """Reference solution of the chapter's 'finish' step: `ip and udp port 53` (DNS over IPv4).

    The same shape as 'ip and tcp port 22': only the protocol number (0x11 for UDP) and the port
    (0x35 = 53) change."""
    return assemble("""
        (000) ldh      [12]
        (001) jeq      #0x800   jt 2  jf 12
        (002) ldb      [23]
        (003) jeq      #0x11    jt 4  jf 12
        (004) ldh      [20]
        (005) jset     #0x1fff  jt 12 jf 6
        (006) ldxb     4*([14]&0xf)
        (007) ldh      [x + 14]
        (008) jeq      #0x35    jt 11 jf 9
        (009) ldh      [x + 16]
        (010) jeq      #0x35    jt 11 jf 12
        (011) ret      #262144
        (012) ret      #0
    """)


# --- the real kernel verifier (Linux only) -------------------------------------------------

SO_ATTACH_FILTER = 26

VERIFIER_CASES: dict[str, tuple[Insn, ...]] = {
    "ret #65535 (fine)": assemble("ret #65535"),
    "port 22 (kernel docs)": KERNEL_DOC_PORT_22,
    "backward jump": assemble("ldh [12]\njeq #0x800 jt 0 jf 2\nret #0"),
    "jump past the end": assemble("ldh [12]\njeq #0x800 jt 2 jf 9\nret #0"),
    "no ret at the end": assemble("ldh [12]\nld #1"),
    "M[16] out of range": (Insn(BPF_LD | BPF_MEM, k=16), Insn(BPF_RET | BPF_K)),
    "M[3] read before written": assemble("ld M[3]\nret #0"),
    "division by constant 0": assemble("ld #1\ndiv #0\nret a"),
}
"""Programs for the verifier demonstration: two good ones and one for each rule."""

RECORDED_KERNEL_VERDICTS = {
    "ret #65535 (fine)": "accepted",
    "port 22 (kernel docs)": "accepted",
    "backward jump": "rejected",
    "jump past the end": "rejected",
    "no ret at the end": "rejected",
    "M[16] out of range": "rejected",
    "M[3] read before written": "rejected",
    "division by constant 0": "rejected",
}
"""What Linux 6.18 (x86-64) answered for `VERIFIER_CASES`, for machines where `kernel_verdict`
cannot ask the running kernel."""


def kernel_verdict(prog: Sequence[Insn]) -> str:
    """Ask the running Linux kernel's classic-BPF verifier about `prog`.

    Attaches the program to a fresh UDP socket with `setsockopt(SO_ATTACH_FILTER)` (no root
    needed) and returns 'accepted' or 'rejected' (the kernel said EINVAL). Offsets are encoded as
    the kernel sees them: a negative `jt` of -2 becomes the byte 254. Returns 'unavailable: <why>'
    when the platform or the sandbox does not allow it; it never raises.
    """
    if not sys.platform.startswith("linux"):
        return f"unavailable: SO_ATTACH_FILTER is Linux-only (this is {sys.platform})"
    try:
        import ctypes
        import errno
        import socket

        raw = b"".join(
            struct.pack("=HBBI", i.code & 0xFFFF, i.jt & 0xFF, i.jf & 0xFF, i.k & 0xFFFFFFFF) for i in prog
        )
        buf = ctypes.create_string_buffer(raw, max(len(raw), 1))
        fprog = struct.pack("HP", len(prog), ctypes.addressof(buf))
    except (ImportError, struct.error, OverflowError, TypeError, ValueError) as e:
        return f"unavailable: cannot build the filter for the kernel here ({e})"
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    except OSError as e:
        return f"unavailable: cannot open a UDP socket ({e})"
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
        return "accepted"
    except OSError as e:
        if e.errno == errno.EINVAL:
            return "rejected"
        return f"unavailable: setsockopt failed ({e})"
    finally:
        sock.close()


_CANARIES = ("ret #65535 (fine)", "no ret at the end")
"""A program every Linux kernel accepts and one it always rejects: asked first, they show whether
the kernel we talk to really checks classic BPF filters (a sandbox that emulates the Linux system
calls may not)."""


def kernel_verdicts(cases: dict[str, Sequence[Insn]] | None = None) -> tuple[dict[str, str], str]:
    """Verdicts of the running kernel for each program in `cases` (default `VERIFIER_CASES`), and
    where they come from.

    Returns `(verdicts, source)`. `source` starts with 'live' when the running Linux kernel was
    asked about every program, and with 'recorded' when the answers come from
    `RECORDED_KERNEL_VERDICTS` (any other OS, a sandbox that blocks `SO_ATTACH_FILTER`, or a kernel
    that does not accept a known-good program and reject a known-bad one); the rest of `source`
    says why. Live and recorded answers are never mixed, and this function never raises. Names
    without a recorded verdict get 'unknown' when the kernel cannot be asked.
    """
    programs: dict[str, Sequence[Insn]] = dict(VERIFIER_CASES if cases is None else cases)

    def recorded(why: str) -> tuple[dict[str, str], str]:
        verdicts = {name: RECORDED_KERNEL_VERDICTS.get(name, "unknown") for name in programs}
        return verdicts, f"recorded on Linux 6.18, because the running kernel cannot be asked: {why}"

    for name, expected in zip(_CANARIES, ("accepted", "rejected")):
        got = kernel_verdict(VERIFIER_CASES[name])
        if got.startswith("unavailable"):
            return recorded(got.removeprefix("unavailable: "))
        if got != expected:
            return recorded(f"it {got} the program '{name}', so it does not check classic BPF filters as Linux does")
    verdicts = {}
    for name, prog in programs.items():
        got = kernel_verdict(prog)
        if got.startswith("unavailable"):
            return recorded(got.removeprefix("unavailable: "))
        verdicts[name] = got
    return verdicts, f"live: asked the running Linux kernel ({_kernel_release()})"


def _kernel_release() -> str:
    import platform

    return f"{platform.system()} {platform.release()}"
