"""The parser of kcourse's text patterns (see :mod:`kcourse.core.saferegex`): the supported part of Python's
regular-expression syntax to a tree, refusing everything else with the reason. Mirrored, with the same
refusals, by ``kcourse/frontend/static/saferegex.js``."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_REPEAT = 100
"""The largest count in ``{m,n}``."""
MAX_DEPTH = 30
"""Groups inside groups."""


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

    def set_escape(self, start: int) -> str:
        """The character after a backslash inside a character set (``start``: where the set began)."""
        if self.i >= len(self.p):
            raise self.error("unterminated character set", start)
        e = self.p[self.i]
        self.i += 1
        return e

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
                e = self.set_escape(start)
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
                    e = self.set_escape(start)
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


def parse(pattern: str):
    """The tree of ``pattern`` (tuples: ``set``, ``assert``, ``group``, ``cat``, ``alt``, ``rep``), or a
    :class:`PatternError` saying what is not supported and why."""
    return _Parser(pattern).parse()
