"""What every export format shares: stable identifiers, Markdown to safe HTML, numbers, located warnings.

Nothing here depends on the time, the machine or a random generator: the same quiz always gives the
same bytes.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import qtypes as qt
from ..core import model as m
from ..core.warnings_ import KcourseWarning, WarnCallback, WarningKind, ignore

# --------------------------------------------------------------------------------------------- ids


def ident(*parts: str) -> str:
    """A stable identifier from quiz, question and option ids, e.g. ``ch02.bkl-removed.a``.

    Quiz ids are ``[a-z0-9-]``, question and option ids ``[A-Za-z0-9_-]`` and a pool question taken
    from another quiz is ``other-quiz/question``; ``/`` becomes ``.``, which no id may contain, so two
    different inputs never give the same identifier.
    """
    return ".".join(p.replace("/", ".") for p in parts)


# ------------------------------------------------------------------------------------------- text

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", text)


def md_block(text: str) -> str:
    """Markdown (prompts, explanations, feedback, hints) as safe HTML, exactly as the course pages render it."""
    from ..views.markdown import render_block

    return xml_safe(render_block(text))


def md_inline(text: str) -> str:
    """Markdown of one line (option texts, items, matching sides) as safe inline HTML."""
    from ..views.markdown import render_inline

    return xml_safe(render_inline(text)).strip()


def md_plain(text: str) -> str:
    """Markdown as plain text, for fields an LMS shows without formatting (e.g. matching answers)."""
    from ..views.markdown import render_plain

    return xml_safe(render_plain(text))


# ----------------------------------------------------------------------------------------- numbers


def num(x: float) -> str:
    """A number as the LMS formats read it: ``13500``, ``0.5``, ``1e-07``; never ``13500.0``."""
    x = float(f"{x:.12g}")  # drop binary noise such as 0.30000000000000004
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


@dataclass(frozen=True)
class Target:
    """An accepted interval as the formats express it: a centre and a half width, or two ends."""

    low: float
    high: float
    answer: float | None
    """Set when the interval is ``answer ± tolerance`` (so a format can say "exact with margin")."""

    @property
    def midpoint(self) -> float:
        return self.answer if self.answer is not None else (self.low + self.high) / 2

    @property
    def half_width(self) -> float:
        return float(f"{max(self.high - self.midpoint, self.midpoint - self.low):.12g}")


def numeric_target(q: qt.Numeric) -> Target:
    """The accepted interval of ``q``; exclusive ends are reported by :func:`exclusive_ends`."""
    iv = q.accepted
    answer = q.answer
    if answer is not None and not math.isclose(answer - iv.low, iv.high - answer, rel_tol=1e-9, abs_tol=1e-12):
        answer = None
    return Target(low=iv.low, high=iv.high, answer=answer)


def exclusive_ends(q: qt.Numeric) -> str:
    """``""`` when both ends are included, else the interval as our grader reads it (``9 < x <= 10``)."""
    iv = q.accepted
    return "" if iv.low_inclusive and iv.high_inclusive else iv.describe()


# ----------------------------------------------------------------------------- questions and places


def presented_order(quiz_id: str, question_id: str, items: tuple) -> list:
    """``items`` in a fixed order that is not the right one (for two or more items).

    An ordering exported as a matching of each item to its position would list its items in the right
    order, so the answer would read 1, 2, 3, ...; this order depends only on the ids, so the same quiz
    always gives the same bytes.
    """
    import hashlib

    def key(item) -> str:
        return hashlib.sha256(f"{quiz_id}/{question_id}/{item.id}".encode()).hexdigest()

    order = sorted(items, key=key)
    if len(order) > 1 and order == list(items):
        order = order[1:] + order[:1]
    return order



@dataclass(frozen=True)
class Placed:
    """A question with where it stands in the quiz file and in which pool, if any."""

    question: m.Question
    path: tuple[str | int, ...]
    """The YAML path, e.g. ``("questions", 2)`` or ``("pools", 0, "questions", 1)``."""
    pool: m.Pool | None = None


def placed_questions(quiz: m.Quiz) -> Iterator[Placed]:
    """Every question in file order: the fixed ones, then each pool's."""
    for i, q in enumerate(quiz.questions):
        yield Placed(q, ("questions", i))
    for j, pool in enumerate(quiz.pools):
        for k, q in enumerate(pool.questions):
            path: tuple[str | int, ...] = ("pools", j, "from_quiz") if pool.from_quiz else ("pools", j, "questions", k)
            yield Placed(q, path, pool)


class Reporter:
    """Sends located ``export-unsupported`` warnings: ``file:line: path (question): FORMAT: what was done``."""

    def __init__(self, quiz: m.Quiz, fmt: str, warn: WarnCallback):
        self.quiz = quiz
        self.fmt = fmt
        self._warn = warn
        self._loc = None
        self._located = False

    def where(self, path: tuple[str | int, ...]) -> str:
        if not self._located:  # parse the file for its line numbers only when there is something to say
            self._loc, self._located = _locate(self.quiz.source), True
        file = self.quiz.source or f"<quiz {self.quiz.id}>"
        line = self._loc.line(path) if self._loc is not None else None
        return f"{file}:{line}" if line else file

    def warn(self, placed: Placed | None, message: str, *, path: tuple[str | int, ...] = ()) -> None:
        from ..core.yamlsource import format_path

        if self._warn is ignore:
            return
        if placed is not None:
            path = placed.path
            where = f"{self.where(path)}: {format_path(path)} ({placed.question.id})"
        else:
            where = f"{self.where(path)}: {format_path(path)}" if path else self.where(path)
        self._warn(KcourseWarning(WarningKind.EXPORT_UNSUPPORTED, f"{where}: {self.fmt}: {message}"))


def _locate(source: str):
    """The quiz file's line table, or ``None`` when the quiz did not come from a readable file."""
    if not source:
        return None
    try:
        st = Path(source).stat()
    except OSError:
        return None
    return _locate_version(source, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _locate_version(source: str, mtime_ns: int, size: int):
    from ..core.yamlsource import load_yaml, read_text

    text, problems = read_text(Path(source), source)
    if problems or text is None:
        return None
    loc, _ = load_yaml(text, source)
    return loc


def category_path(*names: str) -> str:
    """A Moodle category path ``$course$/a/b``: a ``/`` inside a name is doubled, as Moodle does."""
    escaped = []
    for name in names:
        e = " ".join(name.split()).replace("/", "//")
        if e.startswith("/"):
            e = " " + e
        if e.endswith("/"):
            e = e + " "
        escaped.append(e)
    return "/".join(["$course$", *escaped])


def pool_note(pool: m.Pool) -> str:
    n = len(pool.questions)
    src = f" (taken from quiz {pool.from_quiz})" if pool.from_quiz else ""
    return (f"Pool '{pool.id}'{src}: each learner gets {pool.draw} of these {n} questions. "
            f"Add {pool.draw} random question{'s' if pool.draw != 1 else ''} from this category to the quiz.")


# Moodle accepts only these answer grades (percent); anything else fails the import unless the teacher
# picks "nearest grade" (question/engine/bank.php, fraction_options_full).
MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                 14.28571, 12.5, 11.11111, 10, 5, 0)


def share_percent(n_right: int) -> tuple[str, bool]:
    """The percent each of ``n_right`` right options is worth, formatted for Moodle, and whether Moodle lists it."""
    exact = 100 / n_right
    for g in MOODLE_GRADES:
        if abs(g - exact) < 1e-4:
            return num(g), True
    return f"{exact:.5f}".rstrip("0").rstrip("."), False


def moodle_share(placed: Placed, rep: Reporter) -> str:
    """The percent each right option of a multiple-answer question is worth in Moodle (GIFT or Moodle XML);
    warns when it is not one of Moodle's grades (the import then needs the teacher's 'nearest grade')."""
    n_right = sum(o.correct for o in getattr(placed.question, "options", ()))
    share, listed = share_percent(n_right)
    if not listed:
        rep.warn(placed, f"{n_right} right options make a share of {share}%, which is not one of Moodle's "
                 "grades; import with 'Match grades: nearest grade if not listed'")
    return share


def pattern_left_out(placed: Placed, rep: Reporter, answers: str) -> bool:
    """Whether a short-text question is left out because a pattern is its only answer (``answers``: what holds
    them in the format, e.g. "GIFT short answers"); warns what is lost either way."""
    q = placed.question
    pattern = getattr(q, "pattern", None)
    if pattern is None:
        return False
    if not getattr(q, "accept", ()):
        rep.warn(placed, f"left out: the pattern /{pattern}/ is its only answer and {answers} cannot hold a "
                 "regular expression")
        return True
    rep.warn(placed, f"the pattern /{pattern}/ cannot be expressed; only the accept list is exported")
    return False
