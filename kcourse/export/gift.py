"""GIFT, Moodle's plain-text question format (question/format/gift/format.php defines it).

Every text is written as ``[html]`` made from our Markdown by the same safe renderer as the other
formats, so Moodle shows it exactly as the course does (Moodle's own Markdown differs from CommonMark
and lets raw HTML through). What GIFT cannot hold (ordering, pools, points, regular expressions, case
sensitivity, open interval ends) is reported through ``warn``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from .. import qtypes as qt
from ..core import model as m
from ..core.warnings_ import WarnCallback, ignore
from .common import (
    Placed,
    Reporter,
    category_path,
    exclusive_ends,
    ident,
    md_block,
    md_inline,
    md_plain,
    moodle_share,
    num,
    numeric_target,
    pattern_left_out,
    placed_questions,
    pool_note,
)
from .moodle import moodle_literal

FORMAT = "GIFT"
_FEW_ANSWERS = "Moodle wants at least 3 answers in a matching question and stops importing after one with fewer"
_FORMAT_PREFIX = re.compile(r"\[(moodle|html|plain|markdown)\]")

_SPECIAL = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
            "\n": "\\n", "\r": ""}


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped as Moodle's exporter does.

    ``\\`` becomes ``\\\\`` first, then ``~ = # { } :`` get a backslash, and a line break becomes
    ``\\n`` (a blank line would end the question).
    """
    return "".join(_SPECIAL.get(c, c) for c in text)


def to_gift(quiz: m.Quiz, *, warn: WarnCallback = ignore) -> bytes:
    """The quiz in GIFT (UTF-8 bytes, byte-identical for the same quiz)."""
    rep = Reporter(quiz, FORMAT, warn)
    blocks = [f"// kcourse export of quiz {quiz.id} ({quiz.chapter_label}): {' '.join(quiz.title.split())}",
              f"$CATEGORY: {category_path(quiz.title)}"]
    current = None
    other_points = []
    for placed in placed_questions(quiz):
        if placed.pool is not None and placed.pool is not current:
            current = placed.pool
            blocks.append(f"// {pool_note(current)}\n$CATEGORY: {category_path(quiz.title, current.id)}")
            rep.warn(None, f"GIFT has no pools: pool '{current.id}' became a category and its draw count "
                     f"({current.draw} of {len(current.questions)}) is lost",
                     path=("pools", quiz.pools.index(current)))
        if placed.question.points != 1:
            other_points.append(f"{placed.question.id} ({num(placed.question.points)})")
        text = _question(quiz, placed, rep)
        if text is not None:
            blocks.append(text)
    if other_points:
        rep.warn(None, "GIFT has no points: every question imports as worth 1; set these in Moodle: "
                 + ", ".join(other_points))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------- questions


def _html(md: str, *, inline: bool = False) -> str:
    return escape(_lead_safe(md_inline(md) if inline else md_block(md)))


def _lead_safe(html: str) -> str:
    """HTML that Moodle will not misread: a leading ``[`` would be taken for a ``[format]`` and a leading
    ``%50%`` for an answer weight, so those first characters become character references."""
    if html.startswith("["):
        return "&#91;" + html[1:]
    if html.startswith("%"):
        return "&#37;" + html[1:]
    return html


def _bracketed(text: str) -> str:
    """``text`` inside a ``[id:...]`` or ``[tag:...]`` token: one line, ``]`` escaped as Moodle reads it."""
    return " ".join(text.split()).replace("]", "\\]")


def _head(quiz: m.Quiz, q: m.Question, extra_html: str = "") -> str:
    # Moodle's GIFT importer reads the ID number and tags from the question's comment lines
    # (qformat_gift::extract_idnumber_and_tags_from_comment); a tag may not hold < or >.
    tags = "".join(f" [tag:{_bracketed(t)}]" for t in q.tags if t.strip() and not set(t) & set("<>"))
    return (f"// {q.type} question\n"
            f"// [id:{_bracketed(ident(quiz.id, q.id))}]{tags}\n"
            f"::{escape(q.id)}::[html]{escape(md_block(q.prompt) + extra_html)}")


def _general(q: m.Question) -> str:
    return f"\t####{_html(q.explanation)}\n" if q.explanation.strip() else ""


def _feedback(text: str) -> str:
    return f"#{_html(text)}" if text.strip() else ""


def _single(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.SingleChoice, placed.question)
    lines = [f"\t{'=' if o.correct else '~'}{_html(o.text, inline=True)}{_feedback(o.feedback)}\n"
             for o in q.options]
    return _head(quiz, q) + "{\n" + "".join(lines) + _general(q) + "}"


def _multiple(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.MultipleSelect, placed.question)
    share = moodle_share(placed, rep)
    lines = [f"\t~%{'' if o.correct else '-'}{share}%{_html(o.text, inline=True)}{_feedback(o.feedback)}\n"
             for o in q.options]
    return _head(quiz, q) + "{\n" + "".join(lines) + _general(q) + "}"


def _true_false(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.TrueFalse, placed.question)
    right, wrong = (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
    fb = ""
    if wrong.strip() or right.strip():
        fb = f"#{_html(wrong) if wrong.strip() else ''}" + (f"#{_html(right)}" if right.strip() else "")
    general = f"####{_html(q.explanation)}" if q.explanation.strip() else ""
    return _head(quiz, q) + "{" + ("TRUE" if q.answer else "FALSE") + fb + general + "}"


def _numeric(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.Numeric, placed.question)
    t = numeric_target(q)
    if exclusive_ends(q):
        rep.warn(placed, f"GIFT intervals include both ends, so {exclusive_ends(q)} is exported as "
                 f"{num(t.low)} <= x <= {num(t.high)}")
    answer = f"{num(t.answer)}:{num(t.half_width)}" if t.answer is not None else f"{num(t.low)}..{num(t.high)}"
    unit = f"<p>(Answer in {_esc(q.unit)}.)</p>" if q.unit else ""
    return _head(quiz, q, unit) + "{#\n" + f"\t={answer}\n" + _general(q) + "}"


def _matching(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.Matching, placed.question)
    if len(q.pairs) + len(q.distractors) < 3:
        rep.warn(placed, _FEW_ANSWERS + "; add a distractor")
    lines = [f"\t={_html(p.left, inline=True)} -> {escape(md_plain(p.right))}\n" for p in q.pairs]
    lines += [f"\t= -> {escape(md_plain(d.text))}\n" for d in q.distractors]
    return _head(quiz, q) + "{\n" + "".join(lines) + _general(q) + "}"


def _ordering(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.Ordering, placed.question)
    rep.warn(placed, "GIFT has no ordering question: exported as a matching of each item to its position "
             "(1, 2, ...), graded per item in place instead of per pair in order; Moodle XML keeps a real "
             "ordering question")
    if len(q.items) < 3:
        rep.warn(placed, _FEW_ANSWERS + "; give it a third item or export Moodle XML")
    lines = [f"\t={_html(i.text, inline=True)} -> {n}\n" for n, i in enumerate(q.items, 1)]
    extra = "<p>Give each item its position in the order (1 = first).</p>"
    return _head(quiz, q, extra) + "{\n" + "".join(lines) + _general(q) + "}"


def _text(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    q = cast(qt.ShortText, placed.question)
    accept = []
    for a in q.accept:
        if "->" in a:
            # An answer with "->" makes Moodle read the question as a matching; GIFT has no escape for it.
            rep.warn(placed, f"the accepted answer {a!r} contains '->', which GIFT cannot hold; it is left out")
        elif _FORMAT_PREFIX.match(a):
            rep.warn(placed, f"the accepted answer {a!r} starts like a GIFT text format, which Moodle would "
                     "remove; it is left out")
        else:
            accept.append(a)
    if pattern_left_out(placed, rep, "GIFT short answers"):
        return None
    if not accept:
        rep.warn(placed, "left out: none of its accepted answers can be written in GIFT")
        return None
    if q.case_sensitive:
        rep.warn(placed, "GIFT cannot mark a short answer case-sensitive; Moodle will ignore case")
    # "=%100%" as Moodle's exporter writes it: an answer that itself starts with "%50%" is not a weight.
    answers = " ".join(f"=%100%{escape(moodle_literal(a))}" for a in accept)
    return _head(quiz, q) + "{" + answers + "\n" + _general(q) + "}"


_WRITERS: dict[str, Callable[[m.Quiz, Placed, Reporter], str | None]] = {
    "single": _single, "multiple": _multiple, "true_false": _true_false, "numeric": _numeric, "text": _text,
    "ordering": _ordering, "matching": _matching,
}
"""GIFT for each question type (``None``: left out, with a warning)."""


def _question(quiz: m.Quiz, placed: Placed, rep: Reporter) -> str | None:
    return qt.dispatch(_WRITERS, placed.question, "GIFT export")(quiz, placed, rep)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
