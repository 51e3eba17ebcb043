"""Tests of the chapter 5 lab (smallsteps.labs.cbpf): assembler, verifier, interpreter, packets."""
from __future__ import annotations

import errno
import os
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import cbpf as c
from smallsteps.labs.cbpf import Insn

# --- the kernel documentation's `tcpdump port 22 -dd` program ---------------------------------

PORT22 = c.KERNEL_DOC_PORT_22


@pytest.mark.parametrize(
    ("pkt", "accepted"),
    [
        (c.ipv4_packet("tcp", 51000, 22), True),
        (c.ipv4_packet("tcp", 22, 51000), True),
        (c.ipv4_packet("udp", 40000, 22), True),
        (c.ipv4_packet("sctp", 40000, 22), True),
        (c.ipv4_packet("tcp", 51000, 80), False),
        (c.ipv4_packet("tcp", 51000, 22, options=3), True),
        (c.ipv4_packet("icmp"), False),
        (c.ipv4_packet("tcp", frag_offset=5, payload=b"\x00\x16\x00\x16"), False),
        (c.ipv6_packet("tcp", 51000, 22), True),
        (c.ipv6_packet("udp", 22, 5353), True),
        (c.ipv6_packet("tcp", 51000, 443), False),
        (c.arp_packet(), False),
    ],
    ids=lambda v: v.label if isinstance(v, c.Packet) else str(v),
)
def test_kernel_doc_port_22_program(pkt, accepted):
    result = c.run(PORT22, pkt)
    assert result.accepted is accepted
    assert result.ret == (0xFFFF if accepted else 0)
    assert result.reason == "ret"


def test_ip_options_need_the_msh_load():
    """With 3 option words the TCP header starts 12 bytes later; `ldxb 4*([14]&0xf)` finds it."""
    plain, opts = c.ipv4_packet("tcp", 1, 22), c.ipv4_packet("tcp", 1, 22, options=3)
    assert len(opts.data) - len(plain.data) == 12
    naive = c.assemble("ldh [36]\njeq #22 jt 2 jf 3\nret #1\nret #0")  # assumes a 20-byte IP header
    assert c.run(naive, plain).accepted
    assert not c.run(naive, opts).accepted
    assert c.run(c.FILTERS["ip and tcp port 22"], opts).accepted


@pytest.mark.parametrize("cut", [14, 20, 24, 30, 33], ids=lambda n: f"cut-{n}")
def test_load_past_the_packet_end_drops_it(cut):
    pkt = c.ipv4_packet("tcp", 22, 22, cut_to=cut)
    assert len(pkt.data) == cut and pkt.truncated
    result = c.run(PORT22, pkt)
    assert (result.ret, result.reason) == (0, "out of bounds")


def test_ret_a_returns_the_accumulator():
    prog = c.assemble("ld #len\nret a")
    pkt = c.arp_packet()
    assert c.run(prog, pkt).ret == len(pkt.data)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ld #7\nadd #5\nret a", 12),
        ("ld #7\nsub #8\nret a", 0xFFFFFFFF),
        ("ld #6\nmul #7\nret a", 42),
        ("ld #45\ndiv #6\nret a", 7),
        ("ld #45\nmod #6\nret a", 3),
        ("ld #0xf0\nand #0x3c\nret a", 0x30),
        ("ld #0xf0\nor #0x0f\nret a", 0xFF),
        ("ld #0xff\nxor #0x0f\nret a", 0xF0),
        ("ld #1\nlsh #31\nret a", 0x80000000),
        ("ld #0x100\nrsh #4\nret a", 0x10),
        ("ld #1\nneg\nret a", 0xFFFFFFFF),
        ("ldx #9\ntxa\nret a", 9),
        ("ld #9\ntax\nld #1\nadd x\nret a", 10),
        ("ld #5\nst M[3]\nld #0\nldx M[3]\ntxa\nret a", 5),
        ("ldx #0\nld #5\ndiv x\nret a", 0),
        ("ld #3\njgt #2 jt 2 jf 3\nret #9\nret #1", 9),
        ("ld #2\njgt #2 jt 2 jf 3\nret #9\nret #1", 1),
        ("ld #2\njge #2 jt 2 jf 3\nret #9\nret #1", 9),
        ("ld #6\njset #2 jt 2 jf 3\nret #9\nret #1", 9),
        ("ld #4\njset #3 jt 2 jf 3\nret #9\nret #1", 1),
        ("ld #7\nldx #7\njeq x jt 4 jf 3\nret #1\nret #9", 9),
        ("ja 2\nret #9\nret #1", 1),
    ],
    ids=lambda v: v.replace("\n", "; ") if isinstance(v, str) else str(v),
)
def test_instruction_semantics(source, expected):
    assert c.run(c.assemble(source), b"").ret == expected


def test_division_by_zero_in_x_drops_the_packet():
    result = c.run(c.assemble("ldx #0\nld #5\ndiv x\nret #1"), b"")
    assert (result.ret, result.reason, result.steps) == (0, "division by zero", 3)


def test_path_and_steps_are_recorded():
    result = c.run(c.FILTERS["arp"], c.arp_packet())
    assert result.path == (0, 1, 2)
    assert result.steps == 3


# --- verifier -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prog", "pc", "message"),
    [
        ((), None, r"the program is empty"),
        ((Insn(0x06),) * (c.BPF_MAXINSNS + 1), None, r"4097 instructions; the limit is 4096"),
        (c.assemble("ldh [12]\njeq #0x800 jt 0 jf 1\nret #1\nret #0"), 1, r"backward jump \(jt goes to insn 0\)"),
        (c.assemble("ldh [12]\nja 0\nret #0"), 1, r"backward jump \(ja goes to insn 0\)"),
        (c.assemble("ldh [12]\njeq #0x800 jt 2 jf 9\nret #0"), 1, r"jf jumps to insn 9, past the end"),
        ((Insn(0x28, k=12), Insn(0x15, jt=300, k=1), Insn(0x06)), 1, r"jt=300 does not fit in 8 bits"),
        (c.assemble("ldh [12]\njeq #0x800 jt 2 jf 2"), 1, r"jumps to insn 2, past the end"),
        (c.assemble("ldh [12]"), 0, r"last instruction \(ldh +\[12\]\) is not a ret"),
        (c.assemble("ld M[16]\nret #0"), 0, r"scratch memory M\[16\] is out of range"),
        (c.assemble("st M[20]\nret #0"), 0, r"M\[20\] is out of range"),
        (c.assemble("ld M[3]\nret #0"), 0, r"reads M\[3\] before it is written"),
        (c.assemble("ld #1\njeq #1 jt 2 jf 3\nst M[0]\nld M[0]\nret #0"), 3, r"reads M\[0\] before it is written on every path"),
        (c.assemble("ld #1\ndiv #0\nret a"), 1, r"divides by the constant zero"),
        (c.assemble("ld #1\nmod #0\nret a"), 1, r"divides by the constant zero"),
        (c.assemble("ld #1\nlsh #32\nret a"), 1, r"shifts a 32-bit register by 32 bits"),
        ((Insn(0xFF), Insn(0x06)), 0, r"unknown opcode 0x00ff"),
        ((Insn(0x00, k=-1), Insn(0x06)), 0, r"k=-1 does not fit in 32 bits"),
        ((Insn(0x20, k=0xFFFFF000), Insn(0x06)), 0, r"ancillary-data loads"),
    ],
    ids=[
        "empty", "too-long", "backward-jt", "backward-ja", "jf-past-end", "jt-too-big", "jump-to-end",
        "no-ret", "mem-16", "st-mem-20", "read-before-write", "read-before-write-one-path", "div-zero",
        "mod-zero", "shift-32", "unknown-opcode", "negative-k", "ancillary",
    ],
)
def test_verifier_refuses(prog, pc, message):
    with pytest.raises(c.VerifierError, match=message) as info:
        c.verify(prog)
    assert info.value.pc == pc
    assert str(info.value).startswith("verifier: ")
    with pytest.raises(c.VerifierError):
        c.run(prog, b"")  # run() verifies first


@pytest.mark.parametrize("name", list(c.FILTERS), ids=str)
def test_shipped_filters_pass_the_verifier(name):
    c.verify(c.FILTERS[name])


def test_read_after_write_on_every_path_is_fine():
    c.verify(c.assemble("ld #1\nst M[0]\njeq #1 jt 3 jf 4\nld M[0]\nret a"))


def test_unverified_backward_jump_loops_until_the_budget():
    looping = c.assemble("ld #1\njeq #1 jt 0 jf 2\nret #0")
    with pytest.raises(c.StepBudgetExceeded, match=r"stopped after 50 steps"):
        c.run(looping, b"", verify_first=False, max_steps=50)


def test_unverified_program_can_run_off_its_end():
    with pytest.raises(c.CbpfError, match=r"ran off its end"):
        c.run(c.assemble("ld #1"), b"", verify_first=False)


# --- assembler / disassembler ---------------------------------------------------------------


def test_disassemble_matches_tcpdump_style():
    lines = c.disassemble(PORT22).splitlines()
    assert lines[0] == "(000) ldh      [12]"
    assert lines[1].split() == ["(001)", "jeq", "#0x86dd", "jt", "2", "jf", "10"]
    assert lines[17] == "(017) ldxb     4*([14]&0xf)"
    assert lines[18] == "(018) ldh      [x + 14]"
    assert lines[23] == "(023) ret      #0"


def test_assembling_the_disassembly_gives_the_kernel_doc_program_back():
    assert c.assemble(c.disassemble(PORT22)) == PORT22


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("ldh [12]\nfrobnicate #1", 2, r"line 2: unknown instruction or operands: 'frobnicate #1'"),
        ("ld [12", 1, r"line 1: unknown instruction"),
        ("\n\njeq #1 jt 2", 3, r"line 3: unknown instruction"),
    ],
    ids=["unknown-mnemonic", "bad-bracket", "missing-jf"],
)
def test_assembler_errors_name_the_line(text, line, message):
    with pytest.raises(c.AssemblerError, match=message) as info:
        c.assemble(text)
    assert info.value.line == line


def test_assembler_ignores_comments_numbers_and_blank_lines():
    assert c.assemble("(000) ldh [12] ; type\n\n(001) ret #0") == (Insn(0x28, k=12), Insn(0x06))


def test_from_tuples_checks_row_shape():
    with pytest.raises(c.CbpfError, match=r"row 1: expected \(code, jt, jf, k\)"):
        c.from_tuples([(6, 0, 0, 0), (6, 0, 0)])
    assert c.to_tuples(PORT22)[0] == (0x28, 0, 0, 12)


# --- traffic and the right answers ----------------------------------------------------------


def test_sample_traffic_is_seeded():
    assert c.sample_traffic(50, seed=1) == c.sample_traffic(50, seed=1)
    assert c.sample_traffic(50, seed=1) != c.sample_traffic(50, seed=2)
    with pytest.raises(c.CbpfError, match="n must be 0 or more"):
        c.sample_traffic(-1)


TRUTH = {
    "port 22 (kernel docs)": lambda p: c.port_matches(p, 22),
    "ip and tcp port 22": lambda p: c.port_matches(p, 22, ("tcp",), ("ipv4",)),
    "arp": lambda p: p.kind == "arp",
    "ip6": lambda p: p.kind == "ipv6",
}


@pytest.mark.parametrize("name", list(TRUTH), ids=str)
def test_filters_agree_with_what_the_packets_are(name):
    traffic = c.sample_traffic(300, seed=7)
    for pkt in traffic:
        assert c.run(c.FILTERS[name], pkt).accepted == TRUTH[name](pkt), pkt.label


def test_solution_udp_port_53():
    prog = c.solution_udp_port_53()
    c.verify(prog)
    for pkt in c.sample_traffic(300, seed=11) + [c.ipv4_packet("udp", 53, 40000), c.ipv4_packet("tcp", 40000, 53)]:
        assert c.run(prog, pkt).accepted == c.port_matches(pkt, 53, ("udp",), ("ipv4",)), pkt.label


def test_default_traffic_counts():
    traffic = c.sample_traffic()
    counts = {name: sum(c.run(p, pkt).accepted for pkt in traffic) for name, p in c.FILTERS.items()}
    assert counts == {"port 22 (kernel docs)": 69, "ip and tcp port 22": 45, "arp": 28, "ip6": 46}


# --- the invariant: verified programs always end within len(prog) steps ---------------------

_codes = sorted(c.ALLOWED_CODES) + [0x01, 0x0E, 0xFF]  # a few invalid ones too


@st.composite
def programs(draw):
    n = draw(st.integers(1, 12))
    prog = []
    for _ in range(n):
        code = draw(st.sampled_from(_codes))
        k = draw(st.one_of(st.integers(0, 40), st.integers(-3, 3), st.integers(0, 0xFFFFFFFF)))
        jt = draw(st.integers(-2, n + 1))
        jf = draw(st.integers(-2, n + 1))
        prog.append(Insn(code, jt, jf, k))
    return tuple(prog)


@settings(max_examples=200, deadline=None)
@given(prog=programs(), pkt=st.binary(max_size=64))
def test_verified_programs_terminate_within_their_length(prog, pkt):
    try:
        c.verify(prog)
    except c.VerifierError:
        return
    result = c.run(prog, pkt, verify_first=False, max_steps=len(prog))
    assert result.steps <= len(prog)
    assert list(result.path) == sorted(set(result.path)), "a verified program never revisits an instruction"
    assert 0 <= result.ret <= 0xFFFFFFFF


@settings(max_examples=100, deadline=None)
@given(prog=programs())
def test_disassembly_round_trips_for_verified_programs(prog):
    try:
        c.verify(prog)
    except c.VerifierError:
        return
    cleaned = tuple(
        i if i.code & 0x07 == c.BPF_JMP and i.code != c.BPF_JMP | c.BPF_JA else Insn(i.code, 0, 0, i.k)
        for i in prog
    )
    # Fields an instruction does not use are dropped by the text form.
    again = c.assemble(c.disassemble(cleaned))
    assert c.disassemble(again) == c.disassemble(cleaned)


# --- the real kernel verifier (Linux only) --------------------------------------------------

KERNEL_CASES = c.VERIFIER_CASES


def test_recorded_verdicts_match_our_verifier():
    assert set(KERNEL_CASES) == set(c.RECORDED_KERNEL_VERDICTS)
    for name, prog in KERNEL_CASES.items():
        try:
            c.verify(prog)
            ours = "accepted"
        except c.VerifierError:
            ours = "rejected"
        assert ours == c.RECORDED_KERNEL_VERDICTS[name], name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_ATTACH_FILTER is Linux-only")
@pytest.mark.parametrize("name", list(KERNEL_CASES), ids=str)
def test_live_kernel_agrees(name):
    verdict = c.kernel_verdict(KERNEL_CASES[name])
    if verdict.startswith("unavailable"):
        pytest.skip(verdict)
    assert verdict == c.RECORDED_KERNEL_VERDICTS[name]


def test_kernel_verdict_off_linux(monkeypatch):
    monkeypatch.setattr(c.sys, "platform", "darwin")
    assert c.kernel_verdict(PORT22) == "unavailable: SO_ATTACH_FILTER is Linux-only (this is darwin)"


def _blocked_socket(*args):
    raise PermissionError(errno.EACCES, "denied")


class _Sock:
    """A stand-in UDP socket whose setsockopt fails with a chosen errno."""

    def __init__(self, err):
        self.err, self.closed = err, False

    def setsockopt(self, *args):
        raise OSError(self.err, os.strerror(self.err))

    def close(self):
        self.closed = True


@pytest.mark.parametrize(
    ("make_socket", "expected"),
    [
        (_blocked_socket, r"^unavailable: cannot open a UDP socket"),
        (lambda *a: _Sock(errno.EPERM), r"^unavailable: setsockopt failed"),
        (lambda *a: _Sock(errno.ENOPROTOOPT), r"^unavailable: setsockopt failed"),
        (lambda *a: _Sock(errno.EINVAL), r"^rejected$"),
    ],
    ids=["socket-blocked", "setsockopt-eperm", "option-unknown", "einval-is-a-verdict"],
)
def test_kernel_verdict_in_restricted_sandboxes(monkeypatch, make_socket, expected):
    import socket

    monkeypatch.setattr(c.sys, "platform", "linux")
    monkeypatch.setattr(socket, "socket", make_socket)
    assert re.match(expected, c.kernel_verdict(PORT22))


def test_kernel_verdicts_fall_back_to_recorded_off_linux(monkeypatch):
    monkeypatch.setattr(c.sys, "platform", "win32")
    verdicts, source = c.kernel_verdicts()
    assert verdicts == c.RECORDED_KERNEL_VERDICTS
    assert source.startswith("recorded on Linux 6.18") and "Linux-only (this is win32)" in source
    verdicts, _ = c.kernel_verdicts({"my own": PORT22})
    assert verdicts == {"my own": "unknown"}


@pytest.mark.parametrize(
    ("answers", "why"),
    [
        ({"no ret at the end": "accepted"}, r"it accepted the program 'no ret at the end'"),
        ({"ret #65535 (fine)": "rejected"}, r"it rejected the program 'ret #65535 \(fine\)'"),
        # port 22 gets a wrong live answer before the kernel stops answering: none of it may leak through
        ({"port 22 (kernel docs)": "rejected", "M[3] read before written": "unavailable: setsockopt failed (EPERM)"},
         r"setsockopt failed \(EPERM\)$"),
    ],
    ids=["accepts-a-bad-program", "rejects-a-good-program", "blocked-half-way"],
)
def test_kernel_verdicts_never_trust_or_mix_a_strange_kernel(monkeypatch, answers, why):
    """Unlisted programs get the verdict a real Linux gives; the listed ones misbehave."""
    by_prog = {prog: answers.get(name, c.RECORDED_KERNEL_VERDICTS[name]) for name, prog in c.VERIFIER_CASES.items()}
    monkeypatch.setattr(c, "kernel_verdict", lambda prog: by_prog[tuple(prog)])
    verdicts, source = c.kernel_verdicts()
    assert verdicts == c.RECORDED_KERNEL_VERDICTS, "all recorded, never a live/recorded mix"
    assert source.startswith("recorded") and re.search(why, source), source


def test_kernel_verdicts_trust_a_kernel_that_behaves(monkeypatch):
    by_prog = {prog: c.RECORDED_KERNEL_VERDICTS[name] for name, prog in c.VERIFIER_CASES.items()}
    monkeypatch.setattr(c, "kernel_verdict", lambda prog: by_prog[tuple(prog)])
    verdicts, source = c.kernel_verdicts()
    assert verdicts == c.RECORDED_KERNEL_VERDICTS
    assert source.startswith("live: asked the running Linux kernel")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_ATTACH_FILTER is Linux-only")
def test_kernel_verdicts_live_agree_with_the_recording():
    verdicts, source = c.kernel_verdicts()
    if not source.startswith("live"):
        pytest.skip(source)
    assert verdicts == c.RECORDED_KERNEL_VERDICTS


def test_plots_draw(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    ax = c.plot_accepted({"a": 3, "b": 5}, 10)
    assert ax.get_xlim() == (0, 10)
    ax2 = c.plot_steps([3, 4, 4], 24, "t")
    assert ax2.get_title() == "t"
