"""A response as a person reads it (the chosen texts, not ids), for the readable part of a submission file.
The static page writes the same with ``answerText`` in ``static/quiz.js``."""
from __future__ import annotations

from typing import Any

from .. import qtypes as qt
from ..core import model as m
from ..views.markdown import render_plain


def answer_text(q: m.Question, r: Any) -> str:
    if isinstance(q, (qt.SingleChoice, qt.MultipleSelect)):
        names = {o.id: render_plain(o.text) for o in q.options}
        return "; ".join(names.get(x, str(x)) for x in (r if isinstance(r, list) else [r]))
    if isinstance(q, qt.Ordering) and isinstance(r, list):
        names = {i.id: render_plain(i.text) for i in q.items}
        return "; ".join(f"{k}. {names.get(x, str(x))}" for k, x in enumerate(r, 1))
    if isinstance(q, qt.Matching) and isinstance(r, dict):
        names = {c.id: render_plain(c.text) for c in q.right_choices}
        return "; ".join(f"{render_plain(p.left)} → {names.get(r[p.id], str(r[p.id]))}" for p in q.pairs if p.id in r)
    if isinstance(r, bool):
        return "True" if r else "False"
    return str(r)
