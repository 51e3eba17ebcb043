"""A number within an interval (an answer with a tolerance, or a range); all or nothing."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import i18n
from ..core import model as m
from ..core.fragments import NUMBER, OPTIONAL_TEXT
from ..core.grading import QuestionResult, malformed, result, to_number
from ..core.i18n import t
from ..core.numbers import read_number
from ..core.warnings_ import WarningKind
from .base import QType, always_ready, no_marks


@dataclass(frozen=True, kw_only=True)
class Numeric(m.Question):
    TYPE: ClassVar[str] = "numeric"
    accepted: m.Interval
    """The accepted interval, computed from answer and tolerance or given as a range."""
    answer: float | None = None
    """The expected value (``None`` when the file gave a range)."""
    unit: str = ""
    """Shown after the input box."""


MAX_MAGNITUDE = 1e21
"""Numbers of a numeric question, in size: from 1e21 on, the browser writes a number in exponent form
(``1e+21``) and a float holds no whole numbers apart by less than 100,000; no learner's answer is that large,
and a tolerance that large accepts any answer (1.0e+308 would even overflow ``answer + tolerance``)."""

PROPERTIES = {
    "answer": NUMBER,
    "tolerance": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"absolute": NUMBER, "relative": NUMBER},
    },
    "range": {
        "type": "object",
        "additionalProperties": False,
        "required": ["min", "max"],
        "properties": {
            "min": NUMBER,
            "max": NUMBER,
            "min_inclusive": {"type": "boolean"},
            "max_inclusive": {"type": "boolean"},
        },
    },
    "unit": OPTIONAL_TEXT,
}


def build(c: Any, raw: dict, path: tuple) -> Numeric | None:
    has_tol, has_range = "tolerance" in raw, "range" in raw
    numbers: list[tuple[tuple[str, ...], Any]] = [(("answer",), raw.get("answer"))]
    if has_tol:
        numbers += [(("tolerance", k), v) for k, v in raw["tolerance"].items()]
    if has_range:
        numbers += [(("range", k), raw["range"][k]) for k in ("min", "max")]
    bad = False
    for sub, value in numbers:
        if isinstance(value, float) and not math.isfinite(value):
            c.problem(path + sub, f"{value} is not a usable number", "write a finite number")
            bad = True
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_MAGNITUDE:
            also = " (and such a tolerance accepts any answer)" if sub[0] == "tolerance" else ""
            c.problem(path + sub, f"{value:g} is larger than 1e+21: no answer is that large, the browser shows "
                      f"such numbers in exponent form, and floats there are 100,000 or more apart{also}",
                      "write the number in larger units (e.g. TiB instead of bytes)")
            bad = True
    if has_tol == has_range:
        c.problem(path, "a numeric question needs either 'answer' with 'tolerance', or 'range'" if not has_tol
                  else "give either 'tolerance' or 'range', not both",
                  "e.g. 'answer: 15' with 'tolerance: {absolute: 1}', or 'range: {min: 14, max: 16}'")
        return None
    if bad:
        return None
    unit = raw.get("unit", "")
    if has_tol:
        if "answer" not in raw:
            c.problem(path, "missing required key 'answer' (a tolerance is around an answer)", "add 'answer:'")
            return None
        tol = raw["tolerance"]
        if len(tol) != 1:
            c.problem(path + ("tolerance",), "give exactly one of 'absolute' or 'relative'",
                      "e.g. 'tolerance: {absolute: 0.5}' or 'tolerance: {relative: 0.05}'")
            return None
        (kind, t), = tol.items()
        if t < 0:
            c.problem(path + ("tolerance", kind), f"tolerance must not be negative, got {t}", "write a number >= 0")
            return None
        a = raw["answer"]
        if kind == "relative" and a == 0 and t > 0:
            c.warning(WarningKind.RELATIVE_ZERO, path + ("tolerance",),
                      "a relative tolerance around 0 accepts only 0; use 'absolute'")
        width = t if kind == "absolute" else t * abs(a)
        interval = m.Interval(low=a - width, high=a + width)
        return Numeric(**c.common(raw), accepted=interval, answer=float(a), unit=unit)
    if "answer" in raw:
        c.problem(path + ("answer",), "'answer' goes with 'tolerance'; a 'range' needs none",
                  "remove 'answer', or use 'tolerance' instead of 'range'")
        return None
    r = raw["range"]
    lo_inc, hi_inc = r.get("min_inclusive", True), r.get("max_inclusive", True)
    if r["min"] > r["max"] or (r["min"] == r["max"] and not (lo_inc and hi_inc)):
        c.problem(path + ("range",), f"the range {r['min']}..{r['max']} contains no number",
                  "make 'min' smaller than 'max'")
        return None
    interval = m.Interval(low=r["min"], high=r["max"], low_inclusive=lo_inc, high_inclusive=hi_inc)
    return Numeric(**c.common(raw), accepted=interval, unit=unit)


def grade(q: Numeric, r: Any) -> QuestionResult:
    if isinstance(r, str) and len(r) < 100:
        reading = read_number(r, q.unit)
        if reading.problem:  # not an answer yet: say what to write (a front end counts no try)
            return result(q, 0.0, [reading.problem], unanswered=True)
        x = reading.value
    else:
        x = to_number(r)
    if x is None:
        return malformed(q, "grade.expect_number")
    if x in q.accepted:
        return result(q, 1.0)
    side = "grade.too_high" if x > q.accepted.high or (x == q.accepted.high) else "grade.too_low"
    return result(q, 0.0, [t(side, x=x)])


def answer_text(q: Numeric) -> str:
    """The accepted interval in words, shown with the right answer: ``Accepted: 12,500 <= x <= 14,500 weeks.``, in
    German ``Akzeptiert: 12 500 <= x <= 14 500 weeks.`` (English keeps its established ``12,500``)."""
    return t("grade.accepted_range", range=range_text(q))


def range_text(q: Numeric) -> str:
    """The accepted interval with its unit, numbers as the reader of the language in use writes them."""
    num = None if i18n.current() == i18n.DEFAULT else i18n.number
    return q.accepted.describe(num) + (" " + q.unit if q.unit else "")


def correct_response(q: Numeric) -> float:
    if q.answer is not None:
        return q.answer
    a = q.accepted
    return (a.low + a.high) / 2


TYPE = QType(
    cls=Numeric, properties=PROPERTIES, required=(), build=build, grade=grade,
    correct_response=correct_response, public=lambda q, order: {"unit": q.unit}, shows=("unit",),
    marks=no_marks, ready=always_ready,
)
