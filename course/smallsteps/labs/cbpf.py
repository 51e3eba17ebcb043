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
"""
from __future__ import annotations

import random
import re
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from smallsteps.errors import LabError

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

SEED = 2020
"""Default seed: the year of the talk."""

# --- the encoding (include/uapi/linux/bpf_common.h, include/uapi/linux/filter.h) -------------
# Instruction classes: the low three bits of `code`.
BPF_LD, BPF_LDX, BPF_ST, BPF_STX, BPF_ALU, BPF_JMP, BPF_RET, BPF_MISC = range(8)
# Load size.
BPF_W, BPF_H, BPF_B = 0x00, 0x08, 0x10
# Load mode.
BPF_IMM, BPF_ABS, BPF_IND, BPF_MEM, BPF_LEN, BPF_MSH = 0x00, 0x20, 0x40, 0x60, 0x80, 0xA0
# ALU operations.
BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND = 0x00, 0x10, 0x20, 0x30, 0x40, 0x50
BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR = 0x60, 0x70, 0x80, 0x90, 0xA0
# Jump operations.
BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET = 0x00, 0x10, 0x20, 0x30, 0x40
# Operand source: the constant k or the register X. `ret a` uses BPF_A.
BPF_K, BPF_X, BPF_A = 0x00, 0x08, 0x10
# Misc operations.
BPF_TAX, BPF_TXA = 0x00, 0x80

BPF_MAXINSNS = 4096
"""Longest classic program the kernel accepts."""
BPF_MEMWORDS = 16
"""Scratch memory cells M[0]..M[15]."""
SKF_AD_OFF = 0xFFFFF000
"""Loads at or above this offset are the kernel's 'ancillary data' extensions (not in this lab)."""

_SIZES = {BPF_W: (4, ""), BPF_H: (2, "h"), BPF_B: (1, "b")}
_ALU_OPS = {
    BPF_ADD: "add", BPF_SUB: "sub", BPF_MUL: "mul", BPF_DIV: "div", BPF_MOD: "mod",
    BPF_AND: "and", BPF_OR: "or", BPF_XOR: "xor", BPF_LSH: "lsh", BPF_RSH: "rsh",
}
_JMP_OPS = {BPF_JEQ: "jeq", BPF_JGT: "jgt", BPF_JGE: "jge", BPF_JSET: "jset"}

ALLOWED_CODES = frozenset(
    [BPF_LD | size | mode for size in (BPF_W, BPF_H, BPF_B) for mode in (BPF_ABS, BPF_IND)]
    + [BPF_LD | BPF_IMM, BPF_LD | BPF_W | BPF_LEN, BPF_LD | BPF_MEM]
    + [BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM, BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH]
    + [BPF_ST, BPF_STX]
    + [BPF_ALU | op | src for op in _ALU_OPS for src in (BPF_K, BPF_X)]
    + [BPF_ALU | BPF_NEG]
    + [BPF_JMP | BPF_JA]
    + [BPF_JMP | op | src for op in _JMP_OPS for src in (BPF_K, BPF_X)]
    + [BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA]
)
"""Every opcode classic BPF defines; the same list as the kernel's `chk_code_allowed()`."""


class CbpfError(LabError):
    """Base of every error this lab raises on purpose."""


class VerifierError(CbpfError):
    """The verifier refused a program. `pc` is the offending instruction (None: the whole program)."""

    def __init__(self, message: str, pc: int | None = None):
        self.pc = pc
        where = f"insn {pc}: " if pc is not None else ""
        super().__init__(f"verifier: {where}{message}")


class AssemblerError(CbpfError):
    """A line of assembler text could not be read. `line` is 1-based."""

    def __init__(self, message: str, line: int, text: str):
        self.line = line
        super().__init__(f"line {line}: {message}: {text.strip()!r}")


class StepBudgetExceeded(CbpfError):
    """An unverified program ran longer than its step budget (it probably loops)."""


# --- instructions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Insn:
    """One classic BPF instruction, a `struct sock_filter`."""

    code: int
    """Opcode: class | size | mode, or class | operation | source."""
    jt: int = 0
    """Conditional jumps: how many instructions to skip when the test is true."""
    jf: int = 0
    """Conditional jumps: how many instructions to skip when the test is false."""
    k: int = 0
    """The constant: an offset, an immediate value, a return value or a jump distance."""

    def mnemonic(self, pc: int = 0) -> str:
        """The instruction in tcpdump's `-d` style; jump targets are absolute (need `pc`)."""
        return _format_insn(self, pc)


def from_tuples(rows: Iterable[Sequence[int]]) -> tuple[Insn, ...]:
    """A program from `(code, jt, jf, k)` rows, as `tcpdump -dd` prints them."""
    out = []
    for i, row in enumerate(rows):
        if len(row) != 4:
            raise CbpfError(f"row {i}: expected (code, jt, jf, k), got {tuple(row)!r}")
        out.append(Insn(*(int(x) for x in row)))
    return tuple(out)


def to_tuples(prog: Sequence[Insn]) -> list[tuple[int, int, int, int]]:
    """The inverse of `from_tuples`."""
    return [(i.code, i.jt, i.jf, i.k) for i in prog]


def _hex(k: int) -> str:
    return f"#{k:#x}"


def _format_insn(insn: Insn, pc: int) -> str:
    code, k = insn.code, insn.k
    cls = code & 0x07
    if cls in (BPF_LD, BPF_LDX):
        mode, size = code & 0xE0, code & 0x18
        reg = "ld" if cls == BPF_LD else "ldx"
        if mode == BPF_ABS and cls == BPF_LD:
            return f"{'ld' + _SIZES[size][1]:<8} [{k}]"
        if mode == BPF_IND and cls == BPF_LD:
            return f"{'ld' + _SIZES[size][1]:<8} [x + {k}]"
        if mode == BPF_IMM:
            return f"{reg:<8} #{k:#x}"
        if mode == BPF_LEN:
            return f"{reg:<8} #len"
        if mode == BPF_MEM:
            return f"{reg:<8} M[{k}]"
        if mode == BPF_MSH and cls == BPF_LDX:
            return f"{'ldxb':<8} 4*([{k}]&0xf)"
    elif cls == BPF_ST:
        return f"{'st':<8} M[{k}]"
    elif cls == BPF_STX:
        return f"{'stx':<8} M[{k}]"
    elif cls == BPF_ALU:
        op = code & 0xF0
        if op == BPF_NEG:
            return "neg"
        if op in _ALU_OPS:
            operand = "x" if code & BPF_X else _hex(k)
            return f"{_ALU_OPS[op]:<8} {operand}"
    elif cls == BPF_JMP:
        op = code & 0xF0
        if op == BPF_JA:
            return f"{'ja':<8} {pc + 1 + k}"
        if op in _JMP_OPS:
            operand = "x" if code & BPF_X else _hex(k)
            return f"{_JMP_OPS[op]:<8} {operand:<16} jt {pc + 1 + insn.jt} jf {pc + 1 + insn.jf}"
    elif cls == BPF_RET:
        return f"{'ret':<8} a" if code & 0x18 == BPF_A else f"{'ret':<8} #{k}"
    elif cls == BPF_MISC:
        if code & 0xF8 == BPF_TAX:
            return "tax"
        if code & 0xF8 == BPF_TXA:
            return "txa"
    return f".unknown code={code:#x} jt={insn.jt} jf={insn.jf} k={k:#x}"


def disassemble(prog: Sequence[Insn]) -> str:
    """The whole program in tcpdump's `-d` style: `(000) ldh      [12]`, one line each."""
    return "\n".join(f"({pc:03d}) {insn.mnemonic(pc)}" for pc, insn in enumerate(prog))


# --- assembler -----------------------------------------------------------------------------

_NUM = r"(0x[0-9a-fA-F]+|\d+)"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(ld|ldh|ldb)\s+\[\s*x\s*\+\s*{_NUM}\s*\]$"), "ld_ind"),
    (re.compile(rf"^(ld|ldh|ldb)\s+\[\s*{_NUM}\s*\]$"), "ld_abs"),
    (re.compile(r"^(ld|ldx)\s+#?len$"), "len"),
    (re.compile(rf"^(ld|ldx)\s+#{_NUM}$"), "imm"),
    (re.compile(rf"^(ld|ldx|st|stx)\s+M\[\s*{_NUM}\s*\]$"), "mem"),
    (re.compile(rf"^ldxb\s+4\s*\*\s*\(\s*\[\s*{_NUM}\s*\]\s*&\s*0xf\s*\)$"), "msh"),
    (re.compile(rf"^(add|sub|mul|div|mod|and|or|xor|lsh|rsh)\s+(?:#{_NUM}|(x))$"), "alu"),
    (re.compile(r"^neg$"), "neg"),
    (re.compile(r"^(tax|txa)$"), "misc"),
    (re.compile(rf"^ja\s+{_NUM}$"), "ja"),
    (re.compile(rf"^(jeq|jgt|jge|jset)\s+(?:#{_NUM}|(x))\s+jt\s+(-?\d+)\s+jf\s+(-?\d+)$"), "jcond"),
    (re.compile(rf"^ret\s+#{_NUM}$"), "ret_k"),
    (re.compile(r"^ret\s+a$"), "ret_a"),
]
_LD_SIZE = {"ld": BPF_W, "ldh": BPF_H, "ldb": BPF_B}
_ALU_CODE = {name: op for op, name in _ALU_OPS.items()}
_JMP_CODE = {name: op for op, name in _JMP_OPS.items()}


def _int(text: str) -> int:
    return int(text, 0)


def assemble(text: str) -> tuple[Insn, ...]:
    """Read a program written in tcpdump's `-d` style, one instruction per line.

    A leading `(NNN)` is ignored, `;` starts a comment, blank lines are skipped. Jump targets
    (`jt 2 jf 12`, `ja 7`) are absolute instruction numbers as tcpdump prints them; the assembler
    turns them into the relative offsets of the real encoding. It does not judge the program:
    a target behind the jump becomes a negative offset that `verify` will refuse.
    """
    out: list[Insn] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(";", 1)[0].strip()
        line = re.sub(r"^\(\d+\)\s*", "", line)
        if not line:
            continue
        pc = len(out)
        for pattern, kind in _PATTERNS:
            m = pattern.match(line)
            if m:
                out.append(_build(kind, m, pc))
                break
        else:
            raise AssemblerError("unknown instruction or operands", lineno, raw)
    return tuple(out)


def _build(kind: str, m: re.Match[str], pc: int) -> Insn:
    g = m.groups()
    if kind == "ld_abs":
        return Insn(BPF_LD | _LD_SIZE[g[0]] | BPF_ABS, k=_int(g[1]))
    if kind == "ld_ind":
        return Insn(BPF_LD | _LD_SIZE[g[0]] | BPF_IND, k=_int(g[1]))
    if kind == "len":
        return Insn((BPF_LD if g[0] == "ld" else BPF_LDX) | BPF_W | BPF_LEN)
    if kind == "imm":
        return Insn((BPF_LD if g[0] == "ld" else BPF_LDX) | BPF_IMM, k=_int(g[1]))
    if kind == "mem":
        code = {"ld": BPF_LD | BPF_MEM, "ldx": BPF_LDX | BPF_MEM, "st": BPF_ST, "stx": BPF_STX}[g[0]]
        return Insn(code, k=_int(g[1]))
    if kind == "msh":
        return Insn(BPF_LDX | BPF_B | BPF_MSH, k=_int(g[0]))
    if kind == "alu":
        op = _ALU_CODE[g[0]]
        if g[2] == "x":
            return Insn(BPF_ALU | op | BPF_X)
        return Insn(BPF_ALU | op | BPF_K, k=_int(g[1]))
    if kind == "neg":
        return Insn(BPF_ALU | BPF_NEG)
    if kind == "misc":
        return Insn(BPF_MISC | (BPF_TAX if g[0] == "tax" else BPF_TXA))
    if kind == "ja":
        return Insn(BPF_JMP | BPF_JA, k=_int(g[0]) - (pc + 1))
    if kind == "jcond":
        op = _JMP_CODE[g[0]]
        jt, jf = int(g[3]) - (pc + 1), int(g[4]) - (pc + 1)
        if g[2] == "x":
            return Insn(BPF_JMP | op | BPF_X, jt=jt, jf=jf)
        return Insn(BPF_JMP | op | BPF_K, jt=jt, jf=jf, k=_int(g[1]))
    if kind == "ret_k":
        return Insn(BPF_RET | BPF_K, k=_int(g[0]))
    return Insn(BPF_RET | BPF_A)  # ret_a


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
