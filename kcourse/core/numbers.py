"""Reading a number as a person writes it (pure; mirrored by ``readNumber`` in ``static/grader.js``).

``read_number("300,000")`` is 300000, ``"7,5"`` is 7.5, ``"30 days"`` is 30 when the question's unit is days,
``"1.234.567"`` and ``"1.234,5"`` are German thousands. What cannot be read as one number is not guessed: the
result carries a ``problem`` that says what to write instead, and a front end asks back without counting a try:

- ``"13.500"`` (one to three digits, one dot, then three digits ending in 0) could be 13500 or 13.5 (``"2.125"``
  is read as 2.125: a decimal written with a trailing zero is rare, a thousands group ending in 0 is not);
- ``"5-6"``, ``"5 to 6"``: a range, where one number is asked for;
- ``"30 s"`` when the unit is ms: another unit (``"5.5 releases"`` is read when the unit is releases per year);
- ``"one"``, ``"1e400"``: no number, or none a computer can hold.

``tests/files/grading-vectors.json`` holds the cases Python and the browser must agree on.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .i18n import t


@dataclass(frozen=True)
class Reading:
    """A number, or what to fix (exactly one of them is set)."""

    value: float | None = None
    problem: str | None = None


_SPACES = "\u00a0\u2009\u202f "
_NUM = r"[+-]?(?:\d[\d.,'" + _SPACES + r"]*|[.,]\d+)(?:[eE][+-]?\d+)?"
_RANGE = re.compile(r"^(" + _NUM + r")\s*(?:-|–|—|\.\.|to)\s*(" + _NUM + r")$")
_UNIT = re.compile(r"^([^\n]*?\d\.?)\s*([^\d\s.,+\-][^\d]*)$")
_PLAIN = re.compile(r"^\d+\.?\d*(?:[eE][+-]?\d+)?$|^\.\d+(?:[eE][+-]?\d+)?$")
_AMBIGUOUS = re.compile(r"^([1-9]\d{0,2})\.(\d\d0)$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^\d{1,3}(?:\.\d{3})+,\d+$")
_SPACE_THOUSANDS = re.compile(r"^\d{1,3}(?:[" + _SPACES + r"]\d{3})+(?:[.,]\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d*,\d+(?:[eE][+-]?\d+)?$")


def _ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in s)


def _unit_key(u: str) -> str:
    u = u.strip().lower().rstrip(".")
    return u[:-1] if len(u) > 2 and u.endswith("s") else u


def _same_unit(given: str, unit: str) -> bool:
    """``30 Days`` is ``days``; of ``releases per year`` the thing counted alone (``5.5 releases``) is enough."""
    g = _unit_key(given)
    return g == _unit_key(unit) or (" per " in unit and g == _unit_key(unit.split(" per ")[0]))


def _body(s: str) -> float | None:
    """The value of an unsigned number in one of the accepted forms; ``None`` otherwise."""
    if _PLAIN.match(s):
        return float(s)
    if _COMMA_THOUSANDS.match(s):
        return float(s.replace(",", ""))
    if _DOT_THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", "."))
    if _SPACE_THOUSANDS.match(s):
        return float(re.sub("[" + _SPACES + "]", "", s).replace(",", "."))
    if _DECIMAL_COMMA.match(s):
        return float(s.replace(",", "."))
    return None


def read_number(text: str, unit: str = "") -> Reading:
    """``text`` as one number (see the module's rules); ``unit`` is the question's unit, if any."""
    s = _ascii_digits(text.strip()).replace("\u2212", "-")
    if not s:
        return Reading(problem=t("num.first"))
    m = _UNIT.match(s)
    if m and not re.fullmatch(r"[eE][+-]?", m.group(2)):
        s, given = m.group(1).strip(), m.group(2).strip()
        if not unit or not _same_unit(given, unit):
            return Reading(problem=t("num.unit_wrong", unit=unit, given=given) if unit
                           else t("num.no_unit", given=given))
    r = _RANGE.match(s)
    if r and _body(r.group(1).strip().lstrip("+-")) is not None and _body(r.group(2).strip().lstrip("+-")) is not None:
        return Reading(problem=t("num.range_unit", unit=unit) if unit else t("num.range"))
    sign = -1.0 if s.startswith("-") else 1.0
    body = s[1:] if s[:1] in "+-" else s
    a = _AMBIGUOUS.match(body)
    if a:
        whole, frac = a.group(1) + a.group(2), a.group(1) + "." + a.group(2).rstrip("0")
        frac = frac.rstrip(".")
        return Reading(problem=t("num.ambiguous", text=s, whole=whole, frac=frac))
    x = _body(body)
    if x is None:
        return Reading(problem=t("num.not_number"))
    if not math.isfinite(x):
        return Reading(problem=t("num.too_large"))
    return Reading(value=sign * x)
