"""Short text: accepted answers (compared after normalisation) and/or a portable pattern; all or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core import saferegex
from ..core.fragments import TEXT
from ..core.grading import QuestionResult, malformed, result
from ..core.textnorm import normalise
from .base import QType, always_ready, no_marks


@dataclass(frozen=True, kw_only=True)
class ShortText(m.Question):
    TYPE: ClassVar[str] = "text"
    accept: tuple[str, ...] = ()
    """Accepted answers, compared after normalisation."""
    pattern: str | None = None
    """A regular expression (Python and JavaScript compatible) that must match the whole normalised answer."""
    case_sensitive: bool = False

    @property
    def normalised_accept(self) -> frozenset[str]:
        return m.cached(self, "_norm", lambda: frozenset(normalise(a, case_sensitive=self.case_sensitive)
                                                         for a in self.accept))


def build(c: Any, raw: dict, path: tuple) -> ShortText:
    accept, pattern = raw.get("accept", []), raw.get("pattern")
    cs = raw.get("case_sensitive", False)
    if not accept and pattern is None:
        c.problem(path, "a text question needs 'accept' (a list of answers) or 'pattern'",
                  'add e.g. accept: ["io_uring"]')
    if pattern is not None:
        c.check_pattern(pattern, path + ("pattern",))
    seen: dict[str, int] = {}
    for i, a in enumerate(accept):
        n = normalise(a, case_sensitive=cs)
        if not n:
            c.problem(path + ("accept", i), "an accepted answer is only whitespace", "remove it")
        elif n in seen:
            c.problem(path + ("accept", i), f"{c.describe(a)} is the same answer as entry {seen[n]} after "
                      "normalisation (case, spaces, Unicode)", "remove one")
        else:
            seen[n] = i
    return ShortText(**c.common(raw), accept=tuple(accept), pattern=pattern, case_sensitive=cs)


def grade(q: ShortText, r: Any) -> QuestionResult:
    if not isinstance(r, str) or len(r) > 10_000:
        return malformed(q, "grade.expect_text")
    given = normalise(r, case_sensitive=q.case_sensitive)
    if not given:
        return result(q, 0.0, unanswered=True)
    ok = given in q.normalised_accept
    if not ok and q.pattern is not None:
        try:
            ok = saferegex.fullmatch(q.pattern, given, ignore_case=not q.case_sensitive)
        except saferegex.PatternError:  # validation refuses such a pattern; a quiz built by hand may not
            ok = False
    return result(q, 1.0 if ok else 0.0)


TYPE = QType(
    cls=ShortText,
    properties={
        "accept": {"type": "array", "items": TEXT, "maxItems": 100},
        "pattern": {"type": "string", "minLength": 1, "maxLength": 1000},
        "case_sensitive": {"type": "boolean"},
    },
    required=(), build=build, grade=grade, correct_response=lambda q: q.accept[0] if q.accept else None,
    marks=no_marks, ready=always_ready,
)
