"""Moodle XML: a question-bank file with one category per quiz and a sub-category per pool.

Moodle's importer (question/format/xml/format.php) and the ordering question type
(question/type/ordering, core since Moodle 4.4, a plugin before) define what is written here. What
Moodle cannot hold is reported through ``warn`` and listed in ``reference/lms-export.md``.

Pools: Moodle never writes ``random`` questions into XML (its exporter skips them) and its importer
has no reader for them, so a file containing one stops the import. A pool therefore becomes a
sub-category whose description says how many questions to draw; the teacher adds that many random
questions from the category in the quiz editor.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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
    xml_safe,
)

FORMAT = "Moodle XML"


def to_moodle_xml(quiz: m.Quiz, *, warn: WarnCallback = ignore) -> bytes:
    """The quiz as a Moodle XML question-bank file (UTF-8 bytes, byte-identical for the same quiz)."""
    rep = Reporter(quiz, FORMAT, warn)
    root = ET.Element("quiz")
    root.append(ET.Comment(f" kcourse export of quiz {quiz.id} ({quiz.chapter_label}) "))
    _category(root, category_path(quiz.title),
              f"Questions of the kcourse quiz '{quiz.id}' ({quiz.chapter_label}), pass mark {num(quiz.pass_mark)}%.")
    current = None
    for placed in placed_questions(quiz):
        if placed.pool is not None and placed.pool is not current:
            current = placed.pool
            _category(root, category_path(quiz.title, current.id), pool_note(current))
            rep.warn(None, f"pool '{current.id}' became a sub-category; Moodle XML cannot carry random questions, "
                     f"so add {current.draw} random question(s) from it in the quiz editor",
                     path=("pools", quiz.pools.index(current)))
        q = _question(quiz, placed, rep)
        if q is not None:
            root.append(q)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)  # <text></text>, as Moodle writes
    body = _TEXT.sub(_cdata, body)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


_TEXT = re.compile(r"<text>([^<]*)</text>")


def _cdata(match: re.Match) -> str:
    """A ``<text>`` with markup as a CDATA section, as Moodle's own exporter writes it (``xml_escape``).

    Moodle's XML reader (lib/xmlize.php) drops every piece of character data that is only white space,
    and the XML parser hands over the text between two escaped characters as such a piece: in
    ``&lt;/p&gt;\n&lt;pre&gt;`` the line break would be lost, inside ``<pre>`` too. A CDATA section
    keeps it (tests/interop proves it with Moodle's reader).
    """
    escaped = match.group(1)
    if "&" not in escaped:
        return match.group(0)
    text = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return "<text><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"


# ------------------------------------------------------------------------------------------ helpers


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = xml_safe(text)
    return e


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    """``<tag format="html"><text>...</text></tag>``, Moodle's shape for every text field."""
    e = _sub(parent, tag, **({"format": fmt} if fmt else {}))
    _sub(e, "text", text)
    return e


def _category(root: ET.Element, path: str, info: str) -> None:
    q = _sub(root, "question", type="category")
    _text(q, "category", path, fmt=None)
    _text(q, "info", f"<p>{_esc(info)}</p>")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _head(quiz: m.Quiz, q: m.Question, qtype: str) -> ET.Element:
    e = ET.Element("question", {"type": qtype})
    _text(e, "name", q.id, fmt=None)
    _text(e, "questiontext", md_block(q.prompt))
    _text(e, "generalfeedback", md_block(q.explanation))
    _sub(e, "defaultgrade", num(q.points))
    _sub(e, "penalty", "0")  # our quizzes never take points off for checking again
    _sub(e, "hidden", "0")
    _sub(e, "idnumber", ident(quiz.id, q.id))
    return e


def _tail(e: ET.Element, q: m.Question) -> None:
    for h in q.hints:
        _text(e, "hint", md_block(h))
    if q.tags:
        tags = _sub(e, "tags")
        for t in q.tags:
            _text(tags, "tag", t, fmt=None)


def _combined_feedback(e: ET.Element, shownumcorrect: bool = True) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(e, tag, "")
    if shownumcorrect:
        _sub(e, "shownumcorrect")


def _answer(e: ET.Element, fraction: str, text: str, feedback: str = "", fmt: str | None = "html",
            extra: dict[str, str] | None = None) -> ET.Element:
    a = _sub(e, "answer", fraction=fraction, **({"format": fmt} if fmt else {}))
    _sub(a, "text", text)
    for tag, value in (extra or {}).items():
        _sub(a, tag, value)
    _text(a, "feedback", md_block(feedback) if feedback else "")
    return a


# ---------------------------------------------------------------------------------------- questions


def _question(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element | None:
    e = qt.dispatch(_WRITERS, placed.question, "Moodle XML export")(quiz, placed, rep)
    if e is not None:
        _tail(e, placed.question)
    return e


def _true_false(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element:
    q = cast(qt.TrueFalse, placed.question)
    e = _head(quiz, q, "truefalse")
    _answer(e, "100" if q.answer else "0", "true", q.feedback_true, fmt="moodle_auto_format")
    _answer(e, "0" if q.answer else "100", "false", q.feedback_false, fmt="moodle_auto_format")
    return e


def _matching(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element:
    q = cast(qt.Matching, placed.question)
    e = _head(quiz, q, "matching")
    _sub(e, "shuffleanswers", "true")
    _combined_feedback(e)
    for p in q.pairs:
        sub = _text(e, "subquestion", md_inline(p.left))
        _text(sub, "answer", md_plain(p.right), fmt=None)
    for d in q.distractors:
        sub = _text(e, "subquestion", "")
        _text(sub, "answer", md_plain(d.text), fmt=None)
    if len(q.pairs) + len(q.distractors) < 3:
        rep.warn(placed, "Moodle wants at least 3 answers in a matching question and stops importing "
                 "after one with fewer; add a distractor")
    return e


def _ordering(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element:
    q = cast(qt.Ordering, placed.question)
    e = _head(quiz, q, "ordering")
    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", str(len(q.items))),
                       # Moodle's "all previous and next" counts every pair in the right relative order,
                       # exactly our rule (pairs in the right order / all pairs).
                       ("gradingtype", "RELATIVE_ALL_PREVIOUS_AND_NEXT"), ("showgrading", "SHOW"),
                       ("numberingstyle", "none")):
        _sub(e, tag, value)
    _combined_feedback(e)
    for n, item in enumerate(q.items, 1):
        a = _sub(e, "answer", fraction=str(n), format="html")
        _sub(a, "text", md_inline(item.text))
    return e


def _choice(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element:
    q = cast(qt.SingleChoice | qt.MultipleSelect, placed.question)
    single = isinstance(q, qt.SingleChoice)
    e = _head(quiz, q, "multichoice")
    _sub(e, "single", "true" if single else "false")
    _sub(e, "shuffleanswers", "true" if quiz.shuffle_options else "false")
    _sub(e, "answernumbering", "abc")
    _sub(e, "showstandardinstruction", "0")
    _combined_feedback(e, shownumcorrect=not single)
    if single:
        right, wrong = "100", "0"
    else:
        # Each right option is worth 1/R and each wrong one costs 1/R; Moodle adds them up and keeps
        # the total between 0 and 1: max(0, (right picked - wrong picked) / R), our rule exactly.
        share = moodle_share(placed, rep)
        right, wrong = share, ("-" + share if share != "0" else "0")
    for o in q.options:
        _answer(e, right if o.correct else wrong, md_inline(o.text), o.feedback)
    return e


def _numeric(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element:
    q = cast(qt.Numeric, placed.question)
    e = _head(quiz, q, "numerical")
    t = numeric_target(q)
    _answer(e, "100", num(t.midpoint), fmt=None, extra={"tolerance": num(t.half_width)})
    if q.unit:
        units = _sub(e, "units")
        unit = _sub(units, "unit")
        _sub(unit, "multiplier", "1")
        _sub(unit, "unit_name", q.unit)
    _sub(e, "unitgradingtype", "0")  # a unit, if typed, is optional and not graded
    _sub(e, "unitpenalty", "0")
    _sub(e, "showunits", "0" if q.unit else "3")  # 0: optional unit input, 3: no unit
    _sub(e, "unitsleft", "0")
    if exclusive_ends(q):
        rep.warn(placed, f"Moodle's tolerance includes both ends, so {exclusive_ends(q)} is exported as "
                 f"{num(t.low)} <= x <= {num(t.high)}")
    return e


def _short(quiz: m.Quiz, placed: Placed, rep: Reporter) -> ET.Element | None:
    q = cast(qt.ShortText, placed.question)
    if pattern_left_out(placed, rep, "Moodle short answers"):
        return None
    e = _head(quiz, q, "shortanswer")
    _sub(e, "usecase", "1" if q.case_sensitive else "0")
    for a in q.accept:
        _answer(e, "100", moodle_literal(a), fmt=None)
    return e


_WRITERS: dict[str, Callable[[m.Quiz, Placed, Reporter], ET.Element | None]] = {
    "single": _choice, "multiple": _choice, "true_false": _true_false, "numeric": _numeric, "text": _short,
    "ordering": _ordering, "matching": _matching,
}
"""Moodle XML for each question type, before the common tail (``None``: left out, with a warning)."""


def moodle_literal(answer: str) -> str:
    """A short answer as Moodle reads it: ``*`` is a wildcard there, so a literal one is ``\\*``."""
    return answer.replace("*", "\\*")
