"""The kcourse Sphinx / Jupyter Book extension: ``sphinx: extra_extensions: [kcourse.book]`` in ``_config.yml``
(or ``extensions = ["kcourse.book"]`` in a Sphinx ``conf.py``).

What it does, each part in its own module:

- **Settings** (:func:`set_defaults`): the static book shows every quiz as its self-contained offline HTML form,
  loads no widget JavaScript from a CDN and renders math as MathML at build time. Each setting it makes is
  left alone when the book sets it itself (``nb_mime_priority_overrides`` entries are merged, the book's win).
- **Quizzes at build time** (:mod:`.renderer`, :mod:`.directive`, :mod:`.quizzes`): notebook quiz outputs and
  the ``quiz`` directive of Markdown pages are rendered from the quiz files as they are now; a broken quiz is
  a warning at its file and line, so ``-W`` fails the build.
- **Dependencies** (:mod:`.deps`, :mod:`.execution`): a quiz, engine or course-module edit re-executes exactly
  the notebooks whose outputs depend on it.
- **MathML** (:mod:`.mathml`) and one fix: jupyter-book adds sphinx-thebe's configuration script twice, and the
  second ``const THEBE_JS_URL`` throws on every page (:func:`unique_scripts`).
"""
from __future__ import annotations

import re
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HTML_BUILDERS = ("html", "dirhtml", "singlehtml")
DEFAULTS: dict[str, Any] = {
    "nb_ipywidgets_js": {},            # no require.js / html-manager from a CDN: the book works offline
    "nb_render_plugin": "kcourse",     # quizzes from the quiz files; no dead widget state in the pages
    "html_math_renderer": "mathml",    # math as MathML at build time, no MathJax from a CDN
}


def user_set(config, name: str) -> bool:
    return name in config._raw_config or name in config.overrides


def mime_overrides() -> list[tuple[str, str, int | None]]:
    """HTML builders take the quiz output (rendered at build time) first and never an (empty) widget view."""
    from ..frontend.display import QUIZ_MIME

    return [(b, m, p) for b in HTML_BUILDERS for m, p in ((QUIZ_MIME, 0), (WIDGET_VIEW, None))]


def set_defaults(app, config) -> None:
    for name, value in DEFAULTS.items():
        if not user_set(config, name):
            setattr(config, name, value)
    own = [tuple(o) for o in config.nb_mime_priority_overrides] if user_set(config, "nb_mime_priority_overrides") \
        else []
    mentioned = {(o[0], o[1]) for o in own}
    config.nb_mime_priority_overrides = own + [o for o in mime_overrides() if (o[0], o[1]) not in mentioned]


def unique_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated identical ``<script>`` entries (jupyter-book adds sphinx-thebe's configuration twice)."""
    seen: set = set()
    unique = []
    for js in context.get("script_files", []):
        name = getattr(js, "filename", js) or ""  # the two copies differ only in None vs "" for "no file"
        key = (str(name), tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


_STRINGS_BLOCK = re.compile(r'<script type="application/json" class="kq-strings">.*?</script>', re.S)


def one_strings_block(body: str) -> str:
    """A page's quizzes share one copy of the interface strings: each fragment carries its own (a notebook output
    or a ``kcourse assign`` page stands alone), and quiz.js installs the page's first block; the later copies
    identical to the first are dropped (one that differs, a quiz in another language, stays)."""
    blocks = _STRINGS_BLOCK.findall(body)
    if len(blocks) < 2:
        return body
    first = blocks[0]
    head, sep, rest = body.partition(first)
    return head + sep + _STRINGS_BLOCK.sub(lambda m: "" if m.group(0) == first else m.group(0), rest)


def strings_once(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: :func:`one_strings_block` on the page's body (7-8 KB saved per further quiz)."""
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = one_strings_block(body)


def _builder_inited(app) -> None:
    from .execution import book_pages, builder_inited
    from .quizzes import validate_used_quizzes

    builder_inited(app)
    validate_used_quizzes(app, book_pages(app))


def setup(app) -> dict[str, Any]:
    from . import mathml
    from .directive import QuizDirective
    from .execution import outdated

    app.setup_extension("myst_nb")
    app.add_config_value("kcourse_parallel_execution", True, "env")
    app.add_config_value("kcourse_course_id", None, "env", types=[str, type(None)])  # else quizzes/course.yml
    app.connect("config-inited", set_defaults)
    app.connect("builder-inited", _builder_inited, priority=900)  # after myst-nb's (500) sets the cache path
    app.connect("env-get-outdated", outdated)
    app.connect("html-page-context", unique_scripts, priority=900)
    app.connect("html-page-context", strings_once, priority=900)
    app.add_directive("quiz", QuizDirective)
    mathml.setup(app)
    from .. import __version__

    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": __version__}
