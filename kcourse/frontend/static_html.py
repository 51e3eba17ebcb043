"""STUB (being replaced by the static front end): a self-contained HTML quiz for the book and standalone pages."""
from __future__ import annotations

import html

from ..model import Quiz


def render_fragment(quiz: Quiz, *, seed: int | None = None, student_id: str | None = None,
                    mode: str | None = None) -> str:
    """A self-contained HTML fragment (markup, inline CSS and JS, quiz data) for a notebook output."""
    return f"<div class='kcourse-quiz'><p>{html.escape(quiz.title)}</p></div>"


def render_document(quiz: Quiz, *, seed: int | None = None, student_id: str | None = None,
                    mode: str | None = None) -> str:
    """A whole standalone offline HTML page with the quiz."""
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(quiz.title)}</title></head>" \
           f"<body>{render_fragment(quiz, seed=seed, student_id=student_id, mode=mode)}</body></html>"
