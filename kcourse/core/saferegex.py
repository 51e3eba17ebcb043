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

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_PATTERN = 500
"""Characters in a pattern."""
MAX_PROGRAM = 1000
"""Steps (NFA states) a pattern may compile to."""
MAX_REPEAT = 100
"""The largest count in ``{m,n}``."""
MAX_DEPTH = 30
"""Groups inside groups."""
MAX_MATCH = 1000
"""Characters of a (normalised) answer compared with a pattern; a longer answer does not match."""
_MAX_CACHE = 20_000


class PatternError(ValueError):
    """A pattern outside the supported syntax or limits; the message says what and why."""


# ---- characters --------------------------------------------------------------------------------------------
def is_word(c: str) -> bool:
    return c == "_" or unicodedata.category(c)[0] in "LN"


def _is_digit(c: str) -> bool:
    return unicodedata.category(c) == "Nd"


def _is_space(c: str) -> bool:
    return c.isspace()


_CLASSES = {"d": _is_digit, "w": is_word, "s": _is_space}


def _one(s: str, c: str) -> str:
    return s if len(s) == 1 else c


@dataclass(frozen=True)
class CharSet:
    """What one step of the pattern accepts: characters, ranges and classes, maybe negated."""

    chars: frozenset[str] = frozenset()
    ranges: tuple[tuple[int, int], ...] = ()
    classes: tuple[tuple[str, bool], ...] = ()
    """``(letter, negated)`` for ``\\d \\w \\s`` (``\\D`` is ``("d", True)``)."""
    negated: bool = False
    any_but_newline: bool = False

    def _has(self, c: str) -> bool:
        if c in self.chars:
            return True
        o = ord(c)
        if any(lo <= o <= hi for lo, hi in self.ranges):
            return True
        return any(_CLASSES[k](c) != neg for k, neg in self.classes)

    def matches(self, c: str, ignore_case: bool) -> bool:
        if self.any_but_newline:
            return c != "\n"
        hit = self._has(c)
        if not hit and ignore_case:
            lower, upper = _one(c.lower(), c), _one(c.upper(), c)
            hit = self._has(lower) or self._has(upper) or (
                bool(self.chars) and any(_one(x.lower(), x) == lower for x in self.chars))
        return hit != self.negated


# ---- parsing -----------------------------------------------------------------------------------------------
_REFUSED_GROUPS = [
    ("?P<", "a named group (?P<...>)"), ("?P=", "a named back-reference (?P=...)"), ("?=", "a lookahead (?=...)"),
    ("?!", "a negative lookahead (?!...)"), ("?<=", "a lookbehind (?<=...)"), ("?<!", "a negative lookbehind (?<!...)"),
    ("?#", "a comment (?#...)"), ("?>", "an atomic group (?>...)"), ("?(", "a conditional (?(...)...)"),
    ("?<", "a named group (?<...>)"),
]
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_HEX = {"x": 2, "u": 4, "U": 8}


class _Parser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0
        self.depth = 0

    def error(self, message: str, at: int | None = None) -> PatternError:
        return PatternError(f"{message} at position {self.i if at is None else at}")

    def peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def parse(self):
        node = self.alternation()
        if self.i < len(self.p):  # only a ')' stops an alternation early
            raise self.error("unbalanced parenthesis ')'")
        return node

    def alternation(self):
        branches = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def sequence(self):
        items: list = []
        while (c := self.peek()) is not None and c not in "|)":
            start = self.i
            atom = self.atom()
            quant = self.quantifier()
            if quant is not None:
                if atom[0] == "assert":
                    raise self.error("nothing to repeat (an anchor cannot be repeated)", start)
                atom = ("rep", atom, *quant)
            items.append(atom)
        return items[0] if len(items) == 1 else ("cat", items)

    def quantifier(self) -> tuple[int, int | None] | None:
        c = self.peek()
        if c is None:
            return None
        if c in "*+?":
            self.i += 1
            q: tuple[int, int | None] = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{":
            q2 = self.braces()
            if q2 is None:
                return None
            q = q2
        else:
            return None
        nxt = self.peek()
        if nxt == "?":
            self.i += 1  # lazy: the same set of matches
        elif nxt == "+":
            raise self.error("a possessive repeat such as *+ is not supported (the browser has none)")
        nxt = self.peek()
        if nxt is not None and (nxt in "*+?" or (nxt == "{" and self.braces(peek_only=True) is not None)):
            raise self.error("multiple repeat (a repeat of a repeat): put the inner one in a group")
        return q

    def braces(self, peek_only: bool = False) -> tuple[int, int | None] | None:
        """``{m}``, ``{m,}``, ``{,n}``, ``{m,n}`` or ``{,}`` as Python reads them; ``None`` for a literal ``{``."""
        j, p = self.i + 1, self.p
        k = j
        while k < len(p) and p[k].isascii() and p[k].isdigit():
            k += 1
        lo = p[j:k]
        hi: str | None
        if k < len(p) and p[k] == ",":
            m = k + 1
            while m < len(p) and p[m].isascii() and p[m].isdigit():
                m += 1
            hi, k = p[k + 1:m], m
        else:
            hi = lo
        if k >= len(p) or p[k] != "}" or (k == j):
            return None
        if peek_only:
            return (0, None)
        at = self.i
        self.i = k + 1
        low = int(lo[:9]) if lo else 0
        high = int(hi[:9]) if hi else None
        if len(lo) > 9 or (hi and len(hi) > 9) or low > MAX_REPEAT or (high is not None and high > MAX_REPEAT):
            raise self.error(f"a repeat count above {MAX_REPEAT}: write a smaller {{m,n}}", at)
        if high is not None and low > high:
            raise self.error("min repeat greater than max repeat", at)
        return (low, high)

    def atom(self):
        c = self.p[self.i]
        self.i += 1
        if c == "(":
            return self.group()
        if c == "[":
            return ("set", self.charset())
        if c == ".":
            return ("set", CharSet(any_but_newline=True))
        if c == "^":
            return ("assert", "^")
        if c == "$":
            return ("assert", "$")
        if c == "\\":
            return self.escape()
        if c in "*+?":
            raise self.error("nothing to repeat", self.i - 1)
        if c == "{" and self.braces_at(self.i - 1):
            raise self.error("nothing to repeat", self.i - 1)
        return ("set", CharSet(chars=frozenset(c)))

    def braces_at(self, at: int) -> bool:
        keep = self.i
        self.i = at
        try:
            return self.braces(peek_only=True) is not None
        finally:
            self.i = keep

    def group(self):
        if self.p.startswith("?", self.i):
            if self.p.startswith("?:", self.i):
                self.i += 2
            else:
                for prefix, what in _REFUSED_GROUPS:
                    if self.p.startswith(prefix, self.i):
                        raise self.error(f"{what} is not supported", self.i - 1)
                raise self.error("an inline flag or extension (?...) is not supported", self.i - 1)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"groups nested more than {MAX_DEPTH} deep")
        node = self.alternation()
        self.depth -= 1
        if self.peek() != ")":
            raise self.error("missing ), unterminated subpattern")
        self.i += 1
        return ("group", node)

    def escape(self):
        if self.i >= len(self.p):
            raise self.error("bad escape (end of pattern)")
        c = self.p[self.i]
        self.i += 1
        if c in "dws":
            return ("set", CharSet(classes=((c, False),)))
        if c in "DWS":
            return ("set", CharSet(classes=((c.lower(), True),)))
        if c in "bB":
            return ("assert", c)
        return ("set", CharSet(chars=frozenset(self.escaped_char(c))))

    def escaped_char(self, c: str) -> str:
        """The character of an escape ``\\c`` (``c`` already read) that stands for one character."""
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c in _HEX:
            n = _HEX[c]
            digits = self.p[self.i:self.i + n]
            if len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise self.error(f"incomplete escape \\{c}{digits}")
            self.i += n
            cp = int(digits, 16)
            if cp > 0x10FFFF:
                raise self.error(f"bad escape \\{c}{digits}")
            return chr(cp)
        if c.isascii() and c.isdigit():
            raise self.error("a back-reference or octal escape (\\1, \\0) is not supported; write [0-9] or the "
                             "character itself", self.i - 2)
        if c in "AZ":
            raise self.error(f"\\{c} is not supported; use ^ and $", self.i - 2)
        if c.isascii() and c.isalpha():
            raise self.error(f"bad escape \\{c}", self.i - 2)
        return c

    def no_set_operation(self, c: str) -> None:
        """``[`` and doubled ``- & ~ |`` in a set: Python warns that their meaning may change (nested sets, set
        operations), so they are refused; escaped, they are plain characters."""
        if c == "[" or (c in "-&~|" and self.peek() == c):
            what = c if c == "[" else c + c
            raise self.error(f"an unescaped {what} in a set (Python may read it as a nested set or a set operation "
                             f"one day): write {''.join(chr(92) + x for x in what)}", self.i - 1)

    def charset(self) -> CharSet:
        start = self.i - 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        chars: set[str] = set()
        ranges: list[tuple[int, int]] = []
        classes: list[tuple[str, bool]] = []
        first = True
        while True:
            c = self.peek()
            if c is None:
                raise self.error("unterminated character set", start)
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            self.i += 1
            if c == "\\":
                if self.i >= len(self.p):
                    raise self.error("unterminated character set", start)
                e = self.p[self.i]
                self.i += 1
                if e in "dwsDWS":
                    classes.append((e.lower(), e.isupper()))
                    if self.p.startswith("-", self.i) and not self.p.startswith("-]", self.i):
                        raise self.error(f"bad character range \\{e}-", self.i - 2)
                    continue
                lo = "\b" if e == "b" else self.escaped_char(e)
            else:
                self.no_set_operation(c)
                lo = c
            if self.p.startswith("-", self.i) and self.i + 1 < len(self.p) and self.p[self.i + 1] != "]":
                self.i += 1
                h = self.p[self.i]
                self.i += 1
                if h == "\\":
                    if self.i >= len(self.p):
                        raise self.error("unterminated character set", start)
                    e = self.p[self.i]
                    self.i += 1
                    if e in "dwsDWS":
                        raise self.error(f"bad character range {lo}-\\{e}", self.i - 2)
                    hi = "\b" if e == "b" else self.escaped_char(e)
                else:
                    if h in "[-":
                        raise self.error(f"an unescaped {h} in a set (Python may read it as a nested set or a set "
                                         f"operation one day): write \\{h}", self.i - 1)
                    hi = h
                if ord(hi) < ord(lo):
                    raise self.error(f"bad character range {lo}-{hi}")
                ranges.append((ord(lo), ord(hi)))
            else:
                chars.add(lo)
        return CharSet(frozenset(chars), tuple(ranges), tuple(classes), negated)


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
        tree = _Parser(pattern).parse()
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
