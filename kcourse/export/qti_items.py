"""The ``<item>`` of each question in a Canvas QTI 1.2 assessment (:mod:`kcourse.export.qti` writes the package):
its Canvas question type, its response and scoring, per question type; and the XML helpers both use."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, cast

from .. import qtypes as qt
from ..core import model as m
from .common import (
    Placed,
    Reporter,
    exclusive_ends,
    md_block,
    md_inline,
    md_plain,
    num,
    numeric_target,
    pattern_left_out,
    presented_order,
    xml_safe,
)

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_-]")


def qti_ident(*parts: str) -> str:
    """An identifier Canvas's import keeps as it is: ``ch02-growing-up_bkl-years``.

    Parts are joined with ``_`` (quiz ids have none, so the quiz part stays recognisable); a ``/`` of a
    question taken from another quiz becomes ``_``; anything else outside ``[A-Za-z0-9_-]`` becomes
    ``-``, and an identifier that does not start with a letter gets a ``k`` in front.
    """
    s = _NOT_IDENT.sub("-", "_".join(p.replace("/", "_") for p in parts))
    return s if s[:1].isascii() and s[:1].isalpha() else "k" + s



def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = xml_safe(text)
    return e


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _field(meta: ET.Element, label: str, entry: str) -> None:
    f = _sub(meta, "qtimetadatafield")
    _sub(f, "fieldlabel", label)
    _sub(f, "fieldentry", entry)


def _material(parent: ET.Element, html: str) -> None:
    mat = _sub(parent, "material")
    _sub(mat, "mattext", html, texttype="text/html")


# ------------------------------------------------------------------------------------------ items

def _item(quiz: m.Quiz, placed: Placed, parent: ET.Element, rep: Reporter, used: set[str]) -> bool:
    """Writes the question as an ``<item>`` into ``parent``; ``False`` when it is left out."""
    q = placed.question
    kind, body = qt.dispatch(_KIND, q, "Canvas QTI export"), qt.dispatch(_BODY, q, "Canvas QTI export")
    if qt.dispatch(_LEFT_OUT, q, "Canvas QTI export")(placed, rep):
        return False
    qid = qti_ident(quiz.id, q.id)
    while qid in used:  # only if two ids differ by '/' against '_' or by characters outside the ident set
        qid += "-x"
    used.add(qid)
    item = _sub(parent, "item", ident=qid, title=q.id)
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", kind)
    _field(meta, "points_possible", num(q.points))
    pres = _sub(item, "presentation")
    prompt = md_block(q.prompt)
    prompt += qt.dispatch(_PROMPT_EXTRA, q, "Canvas QTI export")(q)
    _material(pres, prompt)
    proc = _sub(item, "resprocessing")
    _sub(_sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedback: list[tuple[str, str]] = []  # (ident, html)
    if q.explanation.strip():
        cond = _sub(proc, "respcondition", **{"continue": "Yes"})
        _sub(_sub(cond, "conditionvar"), "other")
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        feedback.append(("general_fb", md_block(q.explanation)))

    body(quiz, placed, pres, proc, feedback, rep)

    for fid, html in feedback:
        fb = _sub(item, "itemfeedback", ident=fid)
        _material(_sub(fb, "flow_mat"), html)
    return True


_KIND = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
         "true_false": "true_false_question", "numeric": "numerical_question", "text": "short_answer_question",
         "matching": "matching_question", "ordering": "matching_question"}
"""Canvas's question type for each of ours (an ordering question becomes a matching of items to positions)."""


def _short_text(quiz: m.Quiz, placed: Placed, pres: ET.Element, proc: ET.Element, feedback: list,
                rep: Reporter) -> None:
    q = cast(qt.ShortText, placed.question)
    lid = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(lid, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    cond = _sub(proc, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    for a in q.accept:
        _sub(var, "varequal", a, respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _matching_question(quiz: m.Quiz, placed: Placed, pres: ET.Element, proc: ET.Element, feedback: list,
                       rep: Reporter) -> None:
    q = cast(qt.Matching, placed.question)
    right_id = {c.id: qti_ident(f"m{j}", c.id) for j, c in enumerate(q.right_choices, 1)}
    rights = [(right_id[c.id], md_plain(c.text)) for c in q.right_choices]
    lefts = [(md_inline(p.left), right_id[q.answer_of[p.id]]) for p in q.pairs]
    _matching(lefts, rights, pres, proc)


def _ordering_question(quiz: m.Quiz, placed: Placed, pres: ET.Element, proc: ET.Element, feedback: list,
                       rep: Reporter) -> None:
    q = cast(qt.Ordering, placed.question)
    n = len(q.items)
    rights = [(f"m{k}", str(k)) for k in range(1, n + 1)]
    position = {i.id: k for k, i in enumerate(q.items, 1)}
    # listed in a fixed scrambled order: in the right order the answer would read 1, 2, 3, ...
    lefts = [(md_inline(i.text), f"m{position[i.id]}") for i in presented_order(quiz.id, q.id, q.items)]
    _matching(lefts, rights, pres, proc)


def _choice_question(quiz: m.Quiz, placed: Placed, pres: ET.Element, proc: ET.Element, feedback: list,
                     rep: Reporter) -> None:
    _choices(placed.question, pres, proc, feedback)


def _numeric_question(quiz: m.Quiz, placed: Placed, pres: ET.Element, proc: ET.Element, feedback: list,
                      rep: Reporter) -> None:
    _numeric(placed, pres, proc, rep)


def _choices(q, pres: ET.Element, proc: ET.Element, feedback: list[tuple[str, str]]) -> None:
    if isinstance(q, qt.TrueFalse):
        options = [("o1_true", "True", q.answer, q.feedback_true),
                   ("o2_false", "False", not q.answer, q.feedback_false)]
    else:
        options = [(qti_ident(f"o{n}", o.id), md_inline(o.text), o.correct, o.feedback)
                   for n, o in enumerate(q.options, 1)]
    card = "Multiple" if isinstance(q, qt.MultipleSelect) else "Single"
    rc = _sub(_sub(pres, "response_lid", ident="response1", rcardinality=card), "render_choice")
    for oid, html, _, _ in options:
        _material(_sub(rc, "response_label", ident=oid), html)
    # Feedback conditions come before the scoring one: Canvas reads them in order and the last
    # condition that names an option sets its weight.
    for n, (oid, _, _, fb) in enumerate(options, 1):
        if fb.strip():
            cond = _sub(proc, "respcondition", **{"continue": "Yes"})
            _sub(_sub(cond, "conditionvar"), "varequal", oid, respident="response1")
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"fb{n}")
            feedback.append((f"fb{n}", md_block(fb)))
    cond = _sub(proc, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    if card == "Multiple":
        # Canvas reads the right options from this condition and grades multiple answers with partial
        # credit: each right option adds 1/R, each wrong one takes 1/R, never below 0 -- our rule.
        both = _sub(var, "and")
        for oid, _, correct, _ in options:
            if correct:
                _sub(both, "varequal", oid, respident="response1")
            else:
                _sub(_sub(both, "not"), "varequal", oid, respident="response1")
    else:
        right = next(oid for oid, _, correct, _ in options if correct)
        _sub(var, "varequal", right, respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _numeric(placed: Placed, pres: ET.Element, proc: ET.Element, rep: Reporter) -> None:
    q = cast(qt.Numeric, placed.question)
    lid = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(lid, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    t = numeric_target(q)
    if exclusive_ends(q):
        rep.warn(placed, f"Canvas numeric answers include both ends, so {exclusive_ends(q)} is exported as "
                 f"{num(t.low)} <= x <= {num(t.high)}")
    cond = _sub(proc, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    if t.answer is not None:  # "exact answer" with a margin, as Canvas writes it
        either = _sub(var, "or")
        _sub(either, "varequal", num(t.answer), respident="response1")
        both = _sub(either, "and")
        _sub(both, "vargte", num(t.low), respident="response1")
        _sub(both, "varlte", num(t.high), respident="response1")
    else:  # "answer in range"
        _sub(var, "vargte", num(t.low), respident="response1")
        _sub(var, "varlte", num(t.high), respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _matching(lefts: list[tuple[str, str]], rights: list[tuple[str, str]],
              pres: ET.Element, proc: ET.Element) -> None:
    """One ``response_lid`` (``response_1``, ...) per left side offering every right side; each right
    match adds 100/n."""
    share = f"{100 / len(lefts):.2f}"
    for k, (left_html, _) in enumerate(lefts, 1):
        lid = _sub(pres, "response_lid", ident=f"response_{k}")
        _material(lid, left_html)
        rc = _sub(lid, "render_choice")
        for rid, text in rights:
            mat = _sub(_sub(rc, "response_label", ident=rid), "material")
            _sub(mat, "mattext", text)
    for k, (_, right_id) in enumerate(lefts, 1):
        cond = _sub(proc, "respcondition")
        _sub(_sub(cond, "conditionvar"), "varequal", right_id, respident=f"response_{k}")
        _sub(cond, "setvar", share, varname="SCORE", action="Add")


def _short_left_out(placed: Placed, rep: Reporter) -> bool:
    """Whether a short-text question is left out (its only answer is a pattern); warns what is lost."""
    q = cast(qt.ShortText, placed.question)
    if q.case_sensitive:
        rep.warn(placed, "Canvas compares short answers without case; the case-sensitive check is lost")
    return pattern_left_out(placed, rep, "Canvas short answers")


_BODY: dict[str, Callable[..., None]] = {
    "single": _choice_question, "multiple": _choice_question, "true_false": _choice_question,
    "numeric": _numeric_question, "text": _short_text, "matching": _matching_question,
    "ordering": _ordering_question,
}
"""The response and its scoring, for each question type."""
def _ordering_kept(placed: Placed, rep: Reporter) -> bool:
    rep.warn(placed, "Canvas classic quizzes have no ordering question: exported as a matching of each "
             "item to its position (1, 2, ...), graded per item in place instead of per pair in order")
    return False


def _kept(placed: Placed, rep: Reporter) -> bool:
    return False


_LEFT_OUT: dict[str, Callable[[Placed, Reporter], bool]] = {
    "single": _kept, "multiple": _kept, "true_false": _kept, "numeric": _kept, "text": _short_left_out,
    "matching": _kept, "ordering": _ordering_kept,
}
"""Whether a question is left out of the export, for each type; warns what Canvas loses either way."""
_PROMPT_EXTRA: dict[str, Callable[[Any], str]] = {
    "single": lambda q: "", "multiple": lambda q: "", "true_false": lambda q: "",
    "numeric": lambda q: f"<p>(Answer in {_esc(q.unit)}.)</p>" if q.unit else "",
    "text": lambda q: "", "matching": lambda q: "",
    "ordering": lambda q: "<p>Give each item its position in the order (1 = first).</p>",
}
"""What each type adds to the prompt (mostly nothing)."""


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
