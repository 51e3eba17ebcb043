"""What a browser front end needs to show a quiz: a JSON-able dict built from a :class:`~kcourse.core.model.Quiz`
or from a learner's view (:class:`~kcourse.core.public.PublicQuiz`, e.g. a key-less copy).

Pure (no IPython, no I/O). All quiz text is rendered here by :mod:`kcourse.views.markdown`, so the browser only
inserts HTML that Python made safe.

Two modes:

- **practice**: every question of the quiz (pool questions too; the browser draws the variant from the
  seed with the same steps as :func:`kcourse.core.variants.make_variant`). What would tell the answer (correct
  flags, numeric interval, accepted texts, the correct order, which right-hand side belongs to which
  left, option feedback, explanation) is packed per question in ``key``: JSON, XOR-ed with a keystream
  derived from the quiz id and the question id, base64. That is obfuscation against reading the page
  source, not secrecy: the page must grade, so it can always unpack its key.
- **assessment**: only the questions of one variant, already in display order, with none of the above: the
  learner's view (:func:`kcourse.core.public.public_quiz`), which is all a key-less copy holds.
  The variant seed is ``seed``, else ``seed_for(quiz.id, student_id)``, else ``seed_for(quiz.id, "")``
  (the variant ``kcourse show`` prints). A matching question's right-hand choices keep their ids: a choice id
  is a hash of the choice's own text (:func:`kcourse.core.ids.choice_id`), so it tells nothing about its pair.

:func:`grading_form` is the unpacked form the JavaScript grader works on; ``tests/files/grading-vectors.json``
holds cases that Python and JavaScript must grade alike.
"""
from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from typing import Any

from .. import __version__
from .. import qtypes as qt
from ..core import model as m
from ..core.public import PublicQuestion, PublicQuiz, public_quiz
from ..core.rules import MODES, is_seed
from ..core.variants import Mulberry32, fnv1a32, seed_for
from .markdown import render_block, render_inline, render_plain, unwrap_paragraph

FORMAT = 1
GENERATOR = f"kcourse {__version__} (static page)"


# -- obfuscation ------------------------------------------------------------------------------------
def _keystream(quiz_id: str, question_id: str, n: int) -> bytes:
    rng = Mulberry32(fnv1a32(f"kcourse-key\n{quiz_id}\n{question_id}"))
    out = bytearray()
    while len(out) < n:
        out += rng.next_u32().to_bytes(4, "little")
    return bytes(out[:n])


def pack(quiz_id: str, question_id: str, value: Any) -> str:
    """``value`` as compact JSON, UTF-8, XOR-ed with the question's keystream, base64."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    ks = _keystream(quiz_id, question_id, len(raw))
    return base64.b64encode(bytes(a ^ b for a, b in zip(raw, ks))).decode("ascii")


def unpack(quiz_id: str, question_id: str, packed: str) -> Any:
    """The inverse of :func:`pack`."""
    raw = base64.b64decode(packed)
    ks = _keystream(quiz_id, question_id, len(raw))
    return json.loads(bytes(a ^ b for a, b in zip(raw, ks)).decode("utf-8"))


def _hashed(question_id: str, ids: list[str]) -> list[str]:
    """A display-independent order that says nothing about the key (not file order, not id order)."""
    return sorted(ids, key=lambda i: (fnv1a32(f"{question_id}\n{i}"), i))


def _finite(x: float, what: str) -> float:
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number, got {x!r}")
    return float(x)


# -- the full (unpacked) form ---------------------------------------------------------------------
def grading_form(q: m.Question) -> dict[str, Any]:
    """Everything the browser grader needs for one question, key included (never put this in a page as is)."""
    d: dict[str, Any] = {"id": q.id, "type": q.type, "points": q.points,
                         "explanation_html": render_block(q.explanation)}
    d.update(qt.dispatch(_GRADING_FORM, q, "page data")(q))
    return d


def _choice_form(q: Any) -> dict[str, Any]:
    return {"options": [{"id": o.id, "html": render_inline(o.text), "correct": o.correct,
                         "feedback_html": render_block(o.feedback) if o.feedback else ""} for o in q.options]}


def _numeric_form(q: qt.Numeric) -> dict[str, Any]:
    a = q.accepted
    return dict(low=_finite(a.low, f"{q.id}: accepted.low"), high=_finite(a.high, f"{q.id}: accepted.high"),
                low_inclusive=a.low_inclusive, high_inclusive=a.high_inclusive, unit=q.unit,
                answer_text=qt.numeric.answer_text(q))


_GRADING_FORM: dict[str, Callable[[Any], dict[str, Any]]] = {
    "single": _choice_form,
    "multiple": _choice_form,
    "true_false": lambda q: dict(answer=q.answer,
                                 feedback_true_html=render_block(q.feedback_true) if q.feedback_true else "",
                                 feedback_false_html=render_block(q.feedback_false) if q.feedback_false else ""),
    "numeric": _numeric_form,
    "text": lambda q: dict(accept=list(q.accept), pattern=q.pattern, case_sensitive=q.case_sensitive),
    "ordering": lambda q: {"items": [{"id": i.id, "html": render_inline(i.text)} for i in q.items]},
    "matching": lambda q: {"pairs": [{"id": p.id, "html": render_inline(p.left)} for p in q.pairs],
                           "rights": [{"id": c.id, "text": render_plain(c.text)} for c in q.right_choices],
                           "answer": dict(q.answer_of)},
}
"""What the browser grader needs of each question type beyond the common fields (key included)."""


# -- the public form --------------------------------------------------------------------------------
def _common(q: m.Question) -> dict[str, Any]:
    prompt = render_block(q.prompt)
    inline = unwrap_paragraph(prompt)
    return {"id": q.id, "type": q.type, "points": q.points,
            "prompt_html": inline if inline is not None else prompt, "prompt_inline": inline is not None,
            "hints_html": [render_block(h) for h in q.hints]}


def _practice_question(quiz_id: str, q: m.Question) -> dict[str, Any]:
    full = grading_form(q)
    d = _common(q)
    key: dict[str, Any] = {"explanation_html": full["explanation_html"]}
    qt.dispatch(_PRACTICE, q, "practice page data")(q, full, d, key)
    d["key"] = pack(quiz_id, q.id, key)
    return d


def _practice_choices(q: Any, full: dict, d: dict, key: dict) -> None:
    d["options"] = [{"id": o["id"], "html": o["html"]} for o in full["options"]]
    key["correct"] = [o["id"] for o in full["options"] if o["correct"]]
    key["feedback"] = {o["id"]: o["feedback_html"] for o in full["options"] if o["feedback_html"]}


def _practice_true_false(q: Any, full: dict, d: dict, key: dict) -> None:
    key.update(answer=full["answer"], feedback_true_html=full["feedback_true_html"],
               feedback_false_html=full["feedback_false_html"])


def _practice_numeric(q: Any, full: dict, d: dict, key: dict) -> None:
    d["unit"] = q.unit
    key.update({k: full[k] for k in ("low", "high", "low_inclusive", "high_inclusive")})
    key["answer_text"] = full["answer_text"]


def _practice_text(q: Any, full: dict, d: dict, key: dict) -> None:
    key.update({k: full[k] for k in ("accept", "pattern", "case_sensitive")})


def _practice_ordering(q: Any, full: dict, d: dict, key: dict) -> None:
    html = {i["id"]: i["html"] for i in full["items"]}
    d["items"] = [{"id": i, "html": html[i]} for i in _hashed(q.id, list(html))]
    key["order"] = [i["id"] for i in full["items"]]


def _practice_matching(q: Any, full: dict, d: dict, key: dict) -> None:
    d["pairs"] = full["pairs"]
    text = {c["id"]: c["text"] for c in full["rights"]}
    public = _hashed(q.id, list(text))  # the natural order would pair each choice with its left item
    d["rights"] = [{"id": i, "text": text[i]} for i in public]
    key["natural"] = [public.index(c["id"]) for c in full["rights"]]
    key["answer"] = full["answer"]


_PRACTICE: dict[str, Callable[[Any, dict, dict, dict], None]] = {
    "single": _practice_choices, "multiple": _practice_choices, "true_false": _practice_true_false,
    "numeric": _practice_numeric, "text": _practice_text, "ordering": _practice_ordering,
    "matching": _practice_matching,
}
"""A practice page's question (``d``) and its packed key (``key``), from the grading form (``full``)."""


def _assessment_question(pq: PublicQuestion) -> dict[str, Any]:
    """A question of an assessment page: the learner's view only (no hints either: a hint can give the answer
    away; the widget and the key-less copy leave them out too)."""
    prompt = render_block(pq.prompt)
    inline = unwrap_paragraph(prompt)
    d: dict[str, Any] = {"id": pq.id, "type": pq.type, "points": pq.points,
                         "prompt_html": inline if inline is not None else prompt, "prompt_inline": inline is not None,
                         "hints_html": []}
    if pq.options:
        d["options"] = [{"id": o.id, "html": render_inline(o.text)} for o in pq.options]
    if pq.unit is not None:
        d["unit"] = pq.unit
    if pq.items:
        d["items"] = [{"id": i.id, "html": render_inline(i.text)} for i in pq.items]
    if pq.pairs:
        d["pairs"] = [{"id": p.id, "html": render_inline(p.text)} for p in pq.pairs]
        d["rights"] = [{"id": c.id, "text": render_plain(c.text)} for c in pq.choices]  # ids tell nothing
    return d


def resolve_mode(quiz: m.Quiz | PublicQuiz, mode: str | None) -> str:
    """The mode a page shows: ``mode``, else the quiz's; a learner's view is always an assessment (it has no key)."""
    if isinstance(quiz, PublicQuiz):
        return PublicQuiz.mode
    mode = mode or quiz.mode
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def resolve_seed(quiz: m.Quiz | PublicQuiz, seed: int | None, student_id: str | None) -> int | None:
    """The fixed seed of a page: a learner's view's own; else ``seed``, else the student's, else ``None`` (the
    browser picks one)."""
    if isinstance(quiz, PublicQuiz):
        return quiz.seed
    if seed is not None:
        if not is_seed(seed):
            raise ValueError(f"seed must be a whole number from 0 to 4294967295, got {seed!r}")
        return seed
    if student_id is not None and student_id.strip():
        return seed_for(quiz.id, student_id.strip())
    return None


def page_data(quiz: m.Quiz | PublicQuiz, *, seed: int | None = None, student_id: str | None = None,
              mode: str | None = None) -> dict[str, Any]:
    """The JSON-able data of one quiz page (see the module docstring for what each mode holds)."""
    mode = resolve_mode(quiz, mode)
    fixed = resolve_seed(quiz, seed, student_id)
    head = {"format": FORMAT, "generator": GENERATOR,
            "quiz": {"id": quiz.id, "title": quiz.title, "chapter": quiz.chapter, "pass_mark": quiz.pass_mark,
                     "mode": mode, "tries_before_answer": quiz.tries_before_answer},
            "student_id": student_id.strip() if student_id else None}
    if mode == "practice" and isinstance(quiz, m.Quiz):
        return {**head, "seed": fixed,
                "variant_rules": {"shuffle_questions": quiz.shuffle_questions,
                                  "shuffle_options": quiz.shuffle_options,
                                  "fixed": [q.id for q in quiz.questions],
                                  "pools": [{"id": p.id, "draw": p.draw, "questions": [q.id for q in p.questions]}
                                            for p in quiz.pools]},
                "questions": [_practice_question(quiz.id, q) for q in quiz.all_questions]}
    if isinstance(quiz, PublicQuiz):
        view = quiz
    else:
        view = public_quiz(quiz, seed_for(quiz.id, "") if fixed is None else fixed)
    return {**head, "seed": view.seed, "questions": [_assessment_question(pq) for pq in view.questions]}


def to_script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` in the text."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
