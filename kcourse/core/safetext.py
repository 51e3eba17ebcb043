"""Text from people made safe for where it goes: a terminal line, a spreadsheet cell, a database.

- :func:`printable` shows a name (a file name, a zip member, a student id) on one line: control characters
  (newlines, terminal escapes, bidi overrides) as ``\\xNN``/``\\uNNNN``, and the bytes of a file name that is
  not UTF-8 (which Python holds as lone surrogates, "surrogateescape") as ``\\xNN``. A printed name can then
  neither forge a line of a report nor stop a database write.
- :func:`csv_cell` neutralises spreadsheet formulas the way OWASP recommends ("CSV Injection",
  https://owasp.org/www-community/attacks/CSV_Injection): a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it as text.
  Numbers (``-2``, ``+1.5``) are left as they are; the CSV writer then quotes the cell as needed.
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(mt: re.Match[str]) -> str:
    c = ord(mt.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """``text`` on one line with every control character, bidi override and lone surrogate escaped."""
    return _CONTROL.sub(_escape, text)


def printable_lines(text: str) -> str:
    """Each line of ``text`` through :func:`printable` (for a message of several lines)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def has_surrogates(text: str) -> bool:
    """Lone surrogates: not text (no UTF-8 encoding exists), e.g. from ``"\\ud800"`` in JSON."""
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text) if not text.isascii() else False


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""OWASP's list, plus the full-width forms some spreadsheets also read as operators."""
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """A value safe to write in a CSV cell: text that a spreadsheet would run as a formula gets a ``'``."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: list | tuple) -> list:
    """:func:`csv_cell` of every value of a row."""
    return [csv_cell(v) for v in values]


class _SafeWriter:
    def __init__(self, out, **kw):
        import csv

        self._w = csv.writer(out, **kw)

    def writerow(self, row: list | tuple) -> None:
        self._w.writerow(csv_row(row))

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kw) -> _SafeWriter:
    """A :func:`csv.writer` whose every cell goes through :func:`csv_cell`: the one way kcourse writes CSV."""
    return _SafeWriter(out, **kw)
