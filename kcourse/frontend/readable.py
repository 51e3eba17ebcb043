"""A response as a person reads it (the chosen texts, not ids), for the readable part of a submission file.
The static page writes the same with ``answerText`` in ``static/quiz.js``."""
from __future__ import annotations

from typing import Any

from ..core.public import PublicQuestion
from ..views.markdown import render_plain


def answer_text(pq: PublicQuestion, r: Any) -> str:
    """From what the learner saw (:func:`kcourse.core.public.public_view`): a key-less copy reads the same."""
    if pq.options:
        names = {o.id: render_plain(o.text) for o in pq.options}
        return "; ".join(names.get(x, str(x)) for x in (r if isinstance(r, list) else [r]))
    if pq.items and isinstance(r, list):
        names = {i.id: render_plain(i.text) for i in pq.items}
        return "; ".join(f"{k}. {names.get(x, str(x))}" for k, x in enumerate(r, 1))
    if pq.pairs and isinstance(r, dict):
        names = {c.id: render_plain(c.text) for c in pq.choices}
        return "; ".join(f"{render_plain(p.text)} → {names.get(r[p.id], str(r[p.id]))}" for p in pq.pairs
                         if p.id in r)
    if isinstance(r, bool):
        return "True" if r else "False"
    return str(r)
