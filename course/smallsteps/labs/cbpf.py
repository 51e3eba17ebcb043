"""Chapter 5 lab: a small classic BPF (cBPF) interpreter and verifier.

Classic BPF is the in-kernel mini virtual machine that tcpdump (through libpcap) hands its filter
to, so that only the packets it asked for are copied to user space. A program is a list of
`sock_filter` instructions, each a 4-tuple `(code, jt, jf, k)`; this lab uses the real encoding, so
the output of `tcpdump -dd` can be loaded with `from_tuples` and run here.

    >>> from smallsteps.labs import cbpf
    >>> prog = cbpf.assemble('''
    ...     ldh [12]
    ...     jeq #0x806 jt 2 jf 3
    ...     ret #262144
    ...     ret #0
    ... ''')
    >>> cbpf.run(prog, cbpf.arp_packet()).accepted
    True

`verify` follows the rules of the kernel's `bpf_check_classic()` (net/core/filter.c): known
opcodes only, no jump backwards or past the end, the last instruction is a `ret`, scratch memory
`M[0]`..`M[15]` only (and never read before it is written), no division by a constant zero. A
program that passes can only ever move forward, so `run` ends after at most `len(prog)` steps.
Packet loads past the end of a packet are not a verifier matter (the packet length is only known
at run time): as in Linux, such a load ends the program with return value 0, which drops the
packet.

Linux-only extra: `kernel_verdict` hands a program to the real kernel verifier by attaching it
to a UDP socket with `SO_ATTACH_FILTER` (no root needed). Elsewhere (another OS, a sandbox that
blocks the socket or the option, an emulated kernel that does not check filters) it reports that
it cannot, and `kernel_verdicts` falls back to verdicts recorded on Linux. Neither ever raises.
Plot helpers import matplotlib when they are called.

The lab is in four modules: this one (the verifier, the interpreter, the plots, and every name the chapter
uses), ``cbpf_isa`` (encoding, instructions, assembler), ``cbpf_packets`` (traffic) and ``cbpf_kernel``
(the filters and the real kernel verifier).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cbpf_isa import (  # noqa: F401  (the chapter reads them as cbpf.<name>)
    _ALU_OPS,
    _SIZES,
    ALLOWED_CODES,
    BPF_A,
    BPF_ABS,
    BPF_ADD,
    BPF_ALU,
    BPF_AND,
    BPF_DIV,
    BPF_IMM,
    BPF_IND,
    BPF_JA,
    BPF_JEQ,
    BPF_JGE,
    BPF_JGT,
    BPF_JMP,
    BPF_JSET,
    BPF_K,
    BPF_LD,
    BPF_LDX,
    BPF_LEN,
    BPF_LSH,
    BPF_MAXINSNS,
    BPF_MEM,
    BPF_MEMWORDS,
    BPF_MISC,
    BPF_MOD,
    BPF_MSH,
    BPF_MUL,
    BPF_NEG,
    BPF_OR,
    BPF_RET,
    BPF_RSH,
    BPF_ST,
    BPF_STX,
    BPF_SUB,
    BPF_TAX,
    BPF_X,
    BPF_XOR,
    SKF_AD_OFF,
    AssemblerError,
    CbpfError,
    Insn,
    StepBudgetExceeded,
    VerifierError,
    assemble,
    disassemble,
    from_tuples,
    to_tuples,
)
from .cbpf_kernel import (  # noqa: F401  (the chapter reads them as cbpf.<name>)
    FILTERS,
    KERNEL_DOC_PORT_22,
    RECORDED_KERNEL_VERDICTS,
    VERIFIER_CASES,
    kernel_verdict,
    kernel_verdicts,
    solution_udp_port_53,
)
from .cbpf_packets import (  # noqa: F401  (the chapter reads them as cbpf.<name>)
    SEED,
    Packet,
    arp_packet,
    ipv4_packet,
    ipv6_packet,
    port_matches,
    sample_traffic,
)

__all__ = [
    "FILTERS",
    "KERNEL_DOC_PORT_22",
    "RECORDED_KERNEL_VERDICTS",
    "SEED",
    "VERIFIER_CASES",
    "AssemblerError",
    "CbpfError",
    "Insn",
    "Packet",
    "RunResult",
    "StepBudgetExceeded",
    "VerifierError",
    "arp_packet",
    "assemble",
    "disassemble",
    "from_tuples",
    "ipv4_packet",
    "ipv6_packet",
    "kernel_verdict",
    "kernel_verdicts",
    "plot_accepted",
    "plot_steps",
    "port_matches",
    "run",
    "sample_traffic",
    "solution_udp_port_53",
    "to_tuples",
    "verify",
]


# --- verifier ------------------------------------------------------------------------------


def verify(prog: Sequence[Insn]) -> None:
    """Refuse any program that could misbehave, with a `VerifierError` that names the instruction.

    The rules and their order follow the kernel's `bpf_check_classic()`; the last rule (no read of
    M[k] before a write on every path) follows its `check_load_and_stores()`.
    """
    n = len(prog)
    if n == 0:
        raise VerifierError("the program is empty; it needs at least a ret instruction")
    if n > BPF_MAXINSNS:
        raise VerifierError(f"the program has {n} instructions; the limit is {BPF_MAXINSNS}")
    for pc, insn in enumerate(prog):
        code, k = insn.code, insn.k
        if code not in ALLOWED_CODES:
            raise VerifierError(f"unknown opcode {code:#06x}", pc)
        text = f"({_squeeze(insn.mnemonic(pc))})"
        cls = code & 0x07
        if code == BPF_JMP | BPF_JA:
            # The real k is unsigned: "the large ftest->k might cause loops" (kernel comment).
            _check_target(pc, k, "ja", n, text)
        elif not 0 <= k <= 0xFFFFFFFF:
            raise VerifierError(f"{text} k={k} does not fit in 32 bits", pc)
        if code in (BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_MOD | BPF_K) and k == 0:
            raise VerifierError(f"{text} divides by the constant zero", pc)
        if code in (BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_RSH | BPF_K) and k >= 32:
            raise VerifierError(f"{text} shifts a 32-bit register by {k} bits (limit 31)", pc)
        if code in (BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX) and k >= BPF_MEMWORDS:
            raise VerifierError(
                f"{text} scratch memory M[{k}] is out of range (only M[0]..M[{BPF_MEMWORDS - 1}] exist)", pc
            )
        if cls == BPF_LD and code & 0xE0 == BPF_ABS and k >= SKF_AD_OFF:
            raise VerifierError(f"{text} ancillary-data loads (k >= {SKF_AD_OFF:#x}) are not in this lab", pc)
        if cls == BPF_JMP and code != BPF_JMP | BPF_JA:
            for name, off in (("jt", insn.jt), ("jf", insn.jf)):
                if off > 0xFF:
                    raise VerifierError(f"{text} {name}={off} does not fit in 8 bits (0..255)", pc)
                _check_target(pc, off, name, n, text)
    if prog[-1].code & 0x07 != BPF_RET:
        raise VerifierError(
            f"the last instruction ({_squeeze(prog[-1].mnemonic(n - 1))}) is not a ret; "
            "every path must end in ret", n - 1
        )
    _check_load_and_stores(prog)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _check_target(pc: int, off: int, name: str, n: int, text: str) -> None:
    if off < 0:
        raise VerifierError(
            f"{text} backward jump ({name} goes to insn {pc + 1 + off}); classic BPF jumps only go forward", pc
        )
    if pc + 1 + off >= n:
        raise VerifierError(
            f"{text} {name} jumps to insn {pc + 1 + off}, past the end of the program (last is {n - 1})", pc
        )


def _check_load_and_stores(prog: Sequence[Insn]) -> None:
    # One bit per scratch cell: is it surely written on every path that reaches this insn?
    all_cells = (1 << BPF_MEMWORDS) - 1
    masks = [all_cells] * len(prog)
    valid = 0
    for pc, insn in enumerate(prog):
        valid &= masks[pc]
        code = insn.code
        if code in (BPF_ST, BPF_STX):
            valid |= 1 << insn.k
        elif code in (BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM):
            if not valid & (1 << insn.k):
                raise VerifierError(
                    f"({_squeeze(insn.mnemonic(pc))}) reads M[{insn.k}] before it is written on every path", pc
                )
        elif code == BPF_JMP | BPF_JA:
            masks[pc + 1 + insn.k] &= valid
            valid = all_cells
        elif code & 0x07 == BPF_JMP:
            masks[pc + 1 + insn.jt] &= valid
            masks[pc + 1 + insn.jf] &= valid
            valid = all_cells


# --- interpreter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """What one run of a filter on one packet gave."""

    ret: int
    """The return value: how many bytes of the packet to keep; 0 drops it."""
    steps: int
    """Instructions executed."""
    path: tuple[int, ...]
    """The instruction numbers executed, in order."""
    reason: str
    """'ret' (a ret instruction), 'out of bounds' (a load past the packet end) or 'division by zero'."""

    @property
    def accepted(self) -> bool:
        """True when the filter keeps (part of) the packet."""
        return self.ret > 0


def _load(pkt: bytes, off: int, size: int) -> int | None:
    if off < 0 or off + size > len(pkt):
        return None
    return int.from_bytes(pkt[off:off + size], "big")


def _alu(op: int, a: int, src: int) -> int:
    if op == BPF_ADD:
        return a + src
    if op == BPF_SUB:
        return a - src
    if op == BPF_MUL:
        return a * src
    if op == BPF_AND:
        return a & src
    if op == BPF_OR:
        return a | src
    if op == BPF_XOR:
        return a ^ src
    if op == BPF_LSH:
        return a << (src & 31)
    return a >> (src & 31)  # BPF_RSH


def run(
    prog: Sequence[Insn], packet: bytes | Packet, *, verify_first: bool = True, max_steps: int | None = None
) -> RunResult:
    """Run a filter on one packet (raw bytes or a `Packet`).

    By default the program is verified first; a verified program cannot loop, so it needs no step
    budget. With `verify_first=False` the interpreter runs whatever it gets, with a budget of
    `max_steps` (default 10,000) instructions, and raises `StepBudgetExceeded` past it, or
    `CbpfError` when the program runs off its end or meets an unknown opcode.
    """
    if verify_first:
        verify(prog)
    elif max_steps is None:
        max_steps = 10_000
    pkt = packet.data if isinstance(packet, Packet) else bytes(packet)
    a = x = 0
    mem = [0] * BPF_MEMWORDS
    pc = 0
    path: list[int] = []
    mask = 0xFFFFFFFF

    def done(ret: int, reason: str) -> RunResult:
        return RunResult(ret=ret & mask, steps=len(path), path=tuple(path), reason=reason)

    while True:
        if not 0 <= pc < len(prog):
            raise CbpfError(f"pc={pc}: the program ran off its end (it has {len(prog)} instructions)")
        if max_steps is not None and len(path) >= max_steps:
            raise StepBudgetExceeded(
                f"stopped after {max_steps} steps at pc={pc}: "
                "an unverified program that jumps backwards can loop forever"
            )
        insn = prog[pc]
        path.append(pc)
        code, k = insn.code, insn.k
        cls = code & 0x07
        nxt = pc + 1
        if cls == BPF_LD:
            mode, size = code & 0xE0, code & 0x18
            if mode in (BPF_ABS, BPF_IND):
                off = k if mode == BPF_ABS else x + k
                val = _load(pkt, off, _SIZES[size][0])
                if val is None:
                    return done(0, "out of bounds")
                a = val
            elif mode == BPF_IMM:
                a = k
            elif mode == BPF_LEN:
                a = len(pkt)
            elif mode == BPF_MEM:
                a = mem[k]
            else:
                raise CbpfError(f"pc={pc}: unknown opcode {code:#06x}")
        elif cls == BPF_LDX:
            mode = code & 0xE0
            if mode == BPF_IMM:
                x = k
            elif mode == BPF_LEN:
                x = len(pkt)
            elif mode == BPF_MEM:
                x = mem[k]
            elif mode == BPF_MSH:
                val = _load(pkt, k, 1)
                if val is None:
                    return done(0, "out of bounds")
                x = 4 * (val & 0x0F)
            else:
                raise CbpfError(f"pc={pc}: unknown opcode {code:#06x}")
        elif cls == BPF_ST:
            mem[k] = a
        elif cls == BPF_STX:
            mem[k] = x
        elif cls == BPF_ALU:
            op = code & 0xF0
            src = x if code & BPF_X else k
            if op == BPF_NEG:
                a = -a
            elif op in (BPF_DIV, BPF_MOD):
                if src == 0:
                    return done(0, "division by zero")
                a = a // src if op == BPF_DIV else a % src
            elif op in _ALU_OPS:
                a = _alu(op, a, src)
            else:
                raise CbpfError(f"pc={pc}: unknown opcode {code:#06x}")
            a &= mask
        elif cls == BPF_JMP:
            op = code & 0xF0
            if op == BPF_JA:
                nxt = pc + 1 + k
            else:
                src = x if code & BPF_X else k
                test = {BPF_JEQ: a == src, BPF_JGT: a > src, BPF_JGE: a >= src, BPF_JSET: bool(a & src)}.get(op)
                if test is None:
                    raise CbpfError(f"pc={pc}: unknown opcode {code:#06x}")
                nxt = pc + 1 + (insn.jt if test else insn.jf)
        elif cls == BPF_RET:
            return done(a if code & 0x18 == BPF_A else k, "ret")
        elif cls == BPF_MISC:
            if code & 0xF8 == BPF_TAX:
                x = a
            else:
                a = x
        pc = nxt


# --- plots ---------------------------------------------------------------------------------


def plot_accepted(counts: dict[str, int], total: int, ax=None):
    """Bar chart: packets each filter accepted, out of `total`."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    names = list(counts)
    ax.barh(names, [counts[n] for n in names], color="tab:blue")
    for i, n in enumerate(names):
        ax.text(counts[n] + total * 0.01, i, str(counts[n]), va="center")
    ax.set_xlim(0, total)
    ax.invert_yaxis()
    ax.set_xlabel(f"packets accepted (of {total})")
    ax.set_title("What each classic BPF filter lets through")
    return ax


def plot_steps(steps: Sequence[int], prog_len: int, title: str, ax=None):
    """Histogram of instructions executed per packet, with the program length as a red line:
    no run can pass it, because verified programs only jump forward."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    bins = range(prog_len + 2)
    ax.hist(steps, bins=bins, align="left", color="tab:green", rwidth=0.85)
    ax.axvline(prog_len, color="tab:red", linestyle="--", label=f"program length = {prog_len}")
    ax.set_xlabel("instructions executed for one packet")
    ax.set_ylabel("packets")
    ax.set_title(title)
    ax.legend()
    return ax
