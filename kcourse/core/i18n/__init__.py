"""The interface strings of every learner-facing view, in one catalogue: English (``en.py``) and German (``de.py``).

A string is looked up by key (``t("quiz.check")``) in the language in use, falling back to English for a key the
language lacks. Placeholders are named, ``{n}``, ``{total}``, and filled by :func:`fill`, the same rule as the
browser's ``tr`` in ``static/grader.js``: a number is written as :func:`number` writes it (``6,5`` for German
readers). An entry that depends on a count is a plural: ``{"one": ..., "other": ...}``, chosen by its ``n``
(English and German share the rule: one for exactly 1, other for everything else).

Which language: the static book's is the Sphinx ``language`` (a Jupyter Book sets it with
``sphinx: config: language: de``); JupyterLab widgets and the other learner views use ``language:`` in the
course's ``quizzes/course.yml`` (:func:`kcourse.core.course.course_language`); both default to English.
:func:`use_language` sets it for a block of code (a context variable, so the pure core's messages such as
:mod:`kcourse.core.numbers` follow it without a parameter on every function).

Why a dictionary and not gettext or Babel: the same strings must reach the browser, where the static quiz
(``quiz.js``) fills them in with no server and no library; a dict is written into the page as JSON as it is,
whereas gettext catalogues need compiling (``msgfmt``) and converting for JavaScript, and Babel would add a
dependency for plural rules that are the same simple rule for both shipped languages. ``tests/test_i18n.py``
keeps the two languages in step (same keys, same placeholders, same plural shape).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Union

from . import de, en

Entry = Union[str, dict[str, str]]  # noqa: UP007 (a runtime alias: Python 3.9 syntax)
CATALOGUE: dict[str, Mapping[str, Entry]] = {"en": en.STRINGS, "de": de.STRINGS}
"""Every shipped language by its code."""
LANGUAGES = tuple(CATALOGUE)
DEFAULT = "en"
#: The keys a quiz page's scripts use (grader.js, quiz.js, progress.js); ``lab.`` (JupyterLab widgets) and
#: ``page.`` (markup made in Python) stay in Python, ``class.`` goes only into a class page.
SCRIPT_KEYS = ("meta.", "num.", "grade.", "practice.", "quiz.", "progress.")

_language: ContextVar[str] = ContextVar("kcourse_language", default=DEFAULT)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def language_code(value: Any) -> str:
    """A shipped language from a setting such as ``de``, ``de_DE`` or ``de-AT``; English for anything else."""
    if isinstance(value, str):
        code = value.strip().replace("-", "_").split("_")[0].lower()
        if code in CATALOGUE:
            return code
    return DEFAULT


def current() -> str:
    """The language in use (English unless :func:`use_language` set another)."""
    return _language.get()


@contextmanager
def use_language(value: Any) -> Iterator[str]:
    """Within the block, :func:`t` speaks ``value`` (see :func:`language_code`)."""
    token = _language.set(language_code(value))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


#: the integer part of a number in positional notation (not ``1e+16``), grouped when it has 5 digits or more
_GROUPABLE = re.compile(r"^(-?)(\d{5,})(?=\.|$)")


def group_digits(text: str, sep: str) -> str:
    """``12500.5`` as ``12<sep>500.5`` (and ``grader.js``'s ``groupDigits``): the integer part of a number with 5 or
    more digits in groups of three; 4-digit numbers stay whole (DIN 5008, the SI brochure); no ``sep``, no change."""
    m = _GROUPABLE.match(text)
    if not sep or not m:
        return text
    digits = m.group(2)
    head = len(digits) % 3 or 3
    grouped = sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])
    return m.group(1) + grouped + text[m.end():]


def number(x: Any, lang: str | None = None) -> str:
    """A number as a reader of ``lang`` writes it: ``6.5`` or ``6,5``; whole numbers without ``.0``; thousands
    grouped by the language's ``meta.group`` (German: ``12 500`` with a narrow no-break space; English: none)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    text = str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))
    text = group_digits(text, str(entry("meta.group", lang)))
    return text.replace(".", str(entry("meta.decimal", lang)))


def entry(key: str, lang: str | None = None) -> Entry:
    """The raw entry of ``key``: the language's own, else English's; the key itself when neither has it."""
    got = CATALOGUE[lang or current()].get(key)
    return got if got is not None else en.STRINGS.get(key, key)


def fill(text: Entry, params: Mapping[str, Any], lang: str | None = None) -> str:
    """``text`` (or its plural form for ``params["n"]``) with every ``{name}`` replaced by ``params[name]``."""
    if isinstance(text, dict):
        text = text["one" if params.get("n") == 1 else "other"]
    return _PLACEHOLDER.sub(lambda m: number(params[m.group(1)], lang) if m.group(1) in params else m.group(0), text)


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The string ``key`` in ``lang`` (default: the language in use), its placeholders filled from ``params``."""
    lang = language_code(lang) if lang else current()
    return fill(entry(key, lang), params, lang)


def t_html(key: str, lang: str | None = None, *, markup: Mapping[str, str] | None = None, **params: Any) -> str:
    """:func:`t` as HTML: the words and ``params`` escaped; ``markup`` holds placeholders that are HTML already."""
    from html import escape

    lang = language_code(lang) if lang else current()
    raw = dict(markup or {})
    text = entry(key, lang)
    if isinstance(text, dict):
        text = text["one" if params.get("n") == 1 else "other"]

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in raw:
            return raw[name]
        return escape(number(params[name], lang)) if name in params else m.group(0)

    return _PLACEHOLDER.sub(one, escape(text, quote=False))


def page_strings(lang: Any = None, extra: tuple[str, ...] = ()) -> dict[str, Entry]:
    """What a static page's scripts need (:data:`SCRIPT_KEYS`, and keys starting with one of ``extra``), in
    ``lang`` (default: the language in use) with English filling the gaps."""
    code = language_code(lang) if lang else current()
    merged = {**en.STRINGS, **CATALOGUE[code]}
    return {k: v for k, v in merged.items() if k.startswith(SCRIPT_KEYS + extra)}


def shown(x: float, lang: str | None = None) -> str:
    """A score as people read it: 2 decimals at most, no ``.0``, the reader's decimal mark."""
    return number(round(float(x), 2), lang)
