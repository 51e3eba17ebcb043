"""Safe Markdown for quiz text: prompts, options, feedback, hints and explanations.

CommonMark through markdown-it-py with raw HTML *escaped* (``<script>`` shows as text), no images (a
quiz page loads nothing from elsewhere), no headings (a prompt must not break the page's outline),
and links only to ``http:``, ``https:``, ``mailto:`` or relative addresses. Everything else in a
link is left as plain text. Pure: no IPython, no I/O.
"""
from __future__ import annotations

import re
from functools import lru_cache

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SPACES = re.compile(r"\s+")


def link_allowed(url: str) -> bool:
    """Whether a link target is safe: http(s)/mailto, or relative (no scheme at all).

    The scheme is whatever comes before the first ``:`` when that colon precedes any ``/``, ``?`` or
    ``#``; ``java%09script:`` counts as a (refused) scheme, like a browser that strips tabs would.
    """
    u = url.strip()
    cut = re.search(r"[:/?#]", u)
    if cut is None or cut.group() != ":":
        return True
    return u[: cut.start()].lower() in ALLOWED_SCHEMES


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "heading", "lheading"])
    md.validateLink = link_allowed  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=4096)
def render_block(text: str) -> str:
    """Markdown (paragraphs, lists, code) to HTML; raw HTML in ``text`` is escaped."""
    return _md().render(text).strip()


@lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, inline code, links) to HTML without a ``<p>``."""
    return _md().renderInline(text.strip())


def render_plain(text: str) -> str:
    """Markdown reduced to plain text (for places that hold no markup, such as ``<option>``)."""
    parts: list[str] = []
    for block in _md().parseInline(text.strip()):
        for tok in block.children or ():
            if tok.type in ("text", "code_inline"):
                parts.append(tok.content)
            elif tok.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return _SPACES.sub(" ", "".join(parts)).strip()


def unwrap_paragraph(html_text: str) -> str | None:
    """The inside of ``<p>…</p>`` when ``html_text`` is exactly one paragraph, else ``None``."""
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        return html_text[3:-4]
    return None
