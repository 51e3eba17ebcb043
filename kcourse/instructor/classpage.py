"""One assessment page for the whole class: each student gets their own variant from their id.

``kcourse assign QUIZ --roster R --out DIR --class-page`` also writes ``DIR/<quiz id>-class.html``: one
file to attach to the LMS for everyone. A student types their id; the page shows the name the class list
has for it, asks them to confirm, then locks that id in the browser and shows their variant (the same one
as their personal page, so the same manifest grades both). The page holds, for each student, a 32-bit
hash of their folded id (case and spaces ignored, as the roster matches ids), their variant seed and
their name -- so it shows every name of the class list to whoever opens its source: use the personal pages
when that matters. It holds no key: the variants' data is the assessment data of :mod:`kcourse.views.pagedata`,
and the whole page is checked for key text like every assigned page. Its script is
``kcourse/frontend/static/classpage.js``, on top of the quiz's own ``quiz.js``.
"""
from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterator

from ..core import model as m
from ..core.course import language_of_quiz
from ..core.errors import InputError, Problem
from ..core.i18n import page_strings, t, use_language
from ..core.variants import fnv1a32, make_variant, seed_for
from ..frontend.static_html import asset, script
from ..views.pagedata import page_data, to_script_json
from .roster import Roster


def class_hash(student_id: str) -> str:
    folded = "".join(unicodedata.normalize("NFC", student_id).split()).lower()
    return str(fnv1a32("kcourse-class\n" + folded))


def render_class_page(quiz: m.Quiz, roster: Roster) -> tuple[str, tuple[str, ...]]:
    """The page, and the question ids it shows (for the key-leak check)."""
    parts, shown = class_page_parts(quiz, roster)
    return "".join(parts), shown


def class_page_parts(quiz: m.Quiz, roster: Roster) -> tuple[Iterator[str], tuple[str, ...]]:
    """The page in parts, each student's variant one part (made as it is written: the page of a large class is
    never held whole), and the question ids it shows. Students whose ids cannot be told apart are refused
    before any part is made."""
    people: dict[str, list] = {}
    seeds: dict[int, None] = {}
    shown: set[str] = set()
    problems = []
    for s in roster:
        h = class_hash(s.student_id)
        if h in people:
            problems.append(Problem(roster.source, s.line or None, "", f"student id '{s.student_id}' cannot be told "
                                    "apart from another on a class page (same hash)", "give the students personal "
                                    "pages instead (without --class-page)"))
            continue
        seed = seed_for(quiz.id, s.student_id)
        people[h] = [seed, s.name]
        if seed not in seeds:
            seeds[seed] = None
            shown.update(make_variant(quiz, seed).question_ids)
    if problems:
        raise InputError(problems)
    with use_language(language_of_quiz(quiz.source)):
        head, tail = _page(quiz, people)

    def parts() -> Iterator[str]:
        yield head
        for k, seed in enumerate(seeds):
            yield f'{"," if k else ""}{to_script_json(str(seed))}:' + to_script_json(
                page_data(quiz, seed=seed, mode="assessment"))
        yield tail

    return parts(), tuple(sorted(shown))


def _page(quiz: m.Quiz, people: dict) -> tuple[str, str]:
    """The page before the variants' data (``"seed": data`` pairs, comma-separated) and after it."""
    from ..core.course import course_of_quiz

    head = {"quiz_id": quiz.id, "title": quiz.title, "course": course_of_quiz(quiz.source) or "", "people": people}
    title = html.escape(quiz.title)
    before = (
        f'<!doctype html>\n<html lang="{t("meta.lang")}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title>'
        '<style>body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}'
        'main{max-width:48rem;margin:0 auto;padding:1rem}#kc-gate input{margin:0 .5rem}'
        '@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}}</style>'
        f'<style>{asset("quiz.css")}</style>'
        f'</head><body><main><h1>{title}</h1>'
        f'<noscript><p>{html.escape(t("class.noscript"))}</p></noscript>'
        '<div id="kc-gate" aria-live="polite"></div>'
        # the configuration's JSON, as to_script_json of the whole would write it, the variants left open
        f'<script type="application/json" id="kc-class">{to_script_json(head)[:-1]},"variants":{{')
    after = ('},"strings":' + to_script_json(page_strings(extra=("class.", "page.quiz_label"))) + "}</script>"
             f'<script>{asset("quiz.js")}</script><script>{script("classpage.js")}</script>'
             '</main></body></html>\n')
    return before, after
