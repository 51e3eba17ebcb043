"""Regular expressions for short-text answers, matched in time linear in the answer for any pattern.

Python's ``re`` (and the browser's ``RegExp``) backtrack: ``(a+)+b`` against forty ``a`` takes minutes. Here a
pattern is compiled to a Thompson NFA and run as a lazily built DFA over bit sets (one pass over the answer,
no backtracking), so matching one answer costs at most ``len(answer) x`` :data:`MAX_PROGRAM` small steps.
The same engine is written once more in JavaScript (``kcourse/frontend/static/saferegex.js``);
``tests/files/grading-vectors.json`` holds cases both must agree on.

The syntax is the part of Python's that both can run the same way (reference/quiz-format.md lists it):
literals; escapes ``\\. \\- \\\\`` (any punctuation), ``\\n \\t \\r \\f \\v \\xhh \\uhhhh \\Uhhhhhhhh``; classes
``\\d \\D \\w \\W \\s \\S`` (Unicode: ``\\d`` decimal digits, ``\\w`` letters, numbers and ``_``, ``\\s`` what
``str.isspace`` calls space); sets ``[a-z_]``, ``[^...]``; ``.`` (anything but a newline); groups ``(...)`` and
``(?:...)``; alternation ``|``; ``? * + {m} {m,} {,n} {m,n}`` (and their lazy forms, which match the same);
anchors ``^ $ \\b \\B``. Refused, with the reason: back-references, lookaround, named groups, inline flags,
atomic groups and possessive repeats, conditionals, ``\\A \\Z``, and patterns that compile to more than
:data:`MAX_PROGRAM` steps (a repeat ``{m,n}`` copies what it repeats).

Case-insensitive matching: a literal matches a character with the same lower case; a set or class matches
a character if it holds the character, its lower case or its upper case (one-character mappings only).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .regexparse import MAX_DEPTH, MAX_REPEAT, CharSet, PatternError, is_word, parse

MAX_PATTERN = 500
"""Characters in a pattern."""
MAX_PROGRAM = 1000
"""Steps (NFA states) a pattern may compile to."""
MAX_MATCH = 1000
"""Characters of a (normalised) answer compared with a pattern; a longer answer does not match."""
_MAX_CACHE = 20_000
__all__ = ["MAX_DEPTH", "MAX_MATCH", "MAX_PATTERN", "MAX_PROGRAM", "MAX_REPEAT", "CharSet", "PatternError", "Program",
           "compile_pattern", "fullmatch", "is_word"]


# ---- compiling ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Program:
    """A compiled pattern: steps ``("set", CharSet)`` (go to the next step), ``("split", a, b)``,
    ``("jmp", a)``, ``("assert", kind)`` (then the next step) and ``("match",)``."""

    steps: tuple
    pattern: str
    has_asserts: bool


class _Compiler:
    def __init__(self) -> None:
        self.steps: list = []

    def emit(self, step) -> int:
        if len(self.steps) >= MAX_PROGRAM:
            raise PatternError(f"the pattern compiles to more than {MAX_PROGRAM:,} steps (each {{m,n}} copies what "
                               "it repeats): use smaller repeat counts or a shorter pattern")
        self.steps.append(step)
        return len(self.steps) - 1

    def patch(self, at: int, step) -> None:
        self.steps[at] = step

    def node(self, n) -> None:
        kind = n[0]
        if kind == "set":
            self.emit(n)
        elif kind == "assert":
            self.emit(n)
        elif kind == "group":
            self.node(n[1])
        elif kind == "cat":
            for x in n[1]:
                self.node(x)
        elif kind == "alt":
            jumps = []
            branches = n[1]
            for k, b in enumerate(branches):
                if k < len(branches) - 1:
                    split = self.emit(None)
                    self.node(b)
                    jumps.append(self.emit(None))
                    self.patch(split, ("split", split + 1, len(self.steps)))
                else:
                    self.node(b)
            for j in jumps:
                self.patch(j, ("jmp", len(self.steps)))
        elif kind == "rep":
            _, body, low, high = n
            for _k in range(low):
                self.node(body)
            if high is None:
                loop = self.emit(None)
                self.node(body)
                self.emit(("jmp", loop))
                self.patch(loop, ("split", loop + 1, len(self.steps)))
            else:
                splits = []
                for _k in range(high - low):
                    splits.append(self.emit(None))
                    self.node(body)
                for s in splits:
                    self.patch(s, ("split", s + 1, len(self.steps)))


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Program:
    """Parse and compile ``pattern``; raise :class:`PatternError` saying what is not supported and why."""
    if not isinstance(pattern, str):
        raise PatternError("a pattern is text")
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"the pattern is {len(pattern):,} characters long, more than {MAX_PATTERN}")
    try:
        tree = parse(pattern)
    except RecursionError:  # pragma: no cover - MAX_DEPTH comes first
        raise PatternError("the pattern is nested too deeply") from None
    c = _Compiler()
    c.node(tree)
    c.emit(("match",))
    steps = tuple(c.steps)
    return Program(steps, pattern, any(s[0] == "assert" for s in steps))


# ---- matching ----------------------------------------------------------------------------------------------
class _Matcher:
    """A lazily built DFA: states are bit sets of NFA steps; transitions are cached per character."""

    def __init__(self, prog: Program, ignore_case: bool):
        self.steps = prog.steps
        self.ignore_case = ignore_case
        self.has_asserts = prog.has_asserts
        n = len(self.steps)
        self.match_bit = 1 << (n - 1)
        self.set_bits = sum(1 << k for k, s in enumerate(self.steps) if s[0] == "set")
        self.closures: dict[tuple[int, int], int] = {}
        self.accepts: dict[str, int] = {}

    def accept_mask(self, c: str) -> int:
        m = self.accepts.get(c)
        if m is None:
            m = 0
            for k, s in enumerate(self.steps):
                if s[0] == "set" and s[1].matches(c, self.ignore_case):
                    m |= 1 << k
            if len(self.accepts) > _MAX_CACHE:
                self.accepts.clear()
            self.accepts[c] = m
        return m

    def closure(self, states: int, ctx: int) -> int:
        key = (states, ctx)
        got = self.closures.get(key)
        if got is not None:
            return got
        steps = self.steps
        out = 0
        seen = 0
        stack = []
        s = states
        while s:
            low = s & -s
            stack.append(low.bit_length() - 1)
            s ^= low
        while stack:
            k = stack.pop()
            bit = 1 << k
            if seen & bit:
                continue
            seen |= bit
            step = steps[k]
            kind = step[0]
            if kind == "set" or kind == "match":
                out |= bit
            elif kind == "jmp":
                stack.append(step[1])
            elif kind == "split":
                stack.append(step[2])
                stack.append(step[1])
            elif _assert_holds(step[1], ctx):
                stack.append(k + 1)
        if len(self.closures) > _MAX_CACHE:
            self.closures.clear()
        self.closures[key] = out
        return out

    def fullmatch(self, text: str) -> bool:
        n = len(text)
        states = 1  # step 0
        prev_word = False
        for i, c in enumerate(text):
            word = is_word(c) if self.has_asserts else False
            ctx = _ctx(i == 0, False, prev_word, word, i == n - 1 and c == "\n") if self.has_asserts else 0
            cur = self.closure(states, ctx)
            states = (cur & self.set_bits & self.accept_mask(c)) << 1
            if not states:
                return False
            prev_word = word
        return bool(self.closure(states, _ctx(n == 0, True, prev_word, False, False) | (n == 0) << 5) & self.match_bit)


def _ctx(start: bool, end: bool, prev_word: bool, next_word: bool, final_newline: bool) -> int:
    return start | end << 1 | prev_word << 2 | next_word << 3 | final_newline << 4


def _assert_holds(kind: str, ctx: int) -> bool:
    if kind == "^":
        return bool(ctx & 1)
    if kind == "$":
        return bool(ctx & 2 or ctx & 16)  # Python's $ also matches before a newline that ends the text
    boundary = bool(ctx & 4) != bool(ctx & 8)
    return boundary if kind == "b" else not boundary and not ctx & 32  # as in re, \B never holds in an empty text


@lru_cache(maxsize=256)
def _matcher(pattern: str, ignore_case: bool) -> _Matcher:
    return _Matcher(compile_pattern(pattern), ignore_case)


def fullmatch(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether the whole of ``text`` matches ``pattern`` (a :class:`PatternError` if the pattern is refused).
    Texts longer than :data:`MAX_MATCH` characters never match."""
    if len(text) > MAX_MATCH:
        return False
    return _matcher(pattern, ignore_case).fullmatch(text)
