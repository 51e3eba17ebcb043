"""Chapter 5 lab, classic BPF itself: the encoding (the kernel's uapi headers), instructions, the
disassembler and the assembler (tcpdump -d syntax). :mod:`smallsteps.labs.cbpf` is what the chapter imports."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from smallsteps.errors import LabError

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
