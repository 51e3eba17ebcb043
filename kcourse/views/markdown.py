"""Safe Markdown for quiz text: prompts, options, feedback, hints and explanations.

CommonMark through markdown-it-py, ``$...$`` / ``$$...$$`` math as MathML (:func:`render_math`), raw HTML
*escaped* (``<script>`` shows as text), no images (a quiz page loads nothing from elsewhere), no headings
(a prompt must not break the page's outline), and links only to ``http:``, ``https:``, ``mailto:`` or relative addresses. Everything else in a
link is left as plain text. Pure: no IPython, no I/O.
"""
from __future__ import annotations

import html
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


def render_math(latex: str, display: bool = False) -> str:
    """TeX math as MathML (``latex2mathml``, part of ``kcourse[book]``), which browsers render natively: the
    same build-time MathML as the book's own pages. Without latex2mathml, or for TeX it cannot convert, the
    source shows as code."""
    try:
        from latex2mathml.converter import convert

        return convert(latex, display="block" if display else "inline")
    except Exception:  # ImportError, or one of the several exceptions latex2mathml raises for unsupported TeX
        code = f'<code class="kq-math">{html.escape(latex)}</code>'
        return f"<p>{code}</p>" if display else code


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "heading", "lheading"])
    md.validateLink = link_allowed  # type: ignore[method-assign]
    try:  # $...$ and $$...$$ math; mdit-py-plugins comes with kcourse[book] (it is MyST's own parser plugin)
        from mdit_py_plugins.dollarmath import dollarmath_plugin
    except ImportError:
        return md
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           renderer=lambda content, opts: render_math(content, bool(opts.get("display_mode"))))
    return md


@lru_cache(maxsize=4096)
def render_block(text: str) -> str:
    """Markdown (paragraphs, lists, code) to HTML; raw HTML in ``text`` is escaped.

    A line that starts with a number other than 1 and a period (``2001.``, ``1996. SMP arrived``) stays
    text: CommonMark would make it a numbered list starting there, which a quiz author never means.
    """
    return _md().render(_keep_numbers(text)).strip()


_MARKER = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]\s+)?\d{1,9})([.)])")


def _keep_numbers(text: str) -> str:
    for _ in range(100):
        bad = next((t for t in _md().parse(text) if t.type == "ordered_list_open" and t.attrGet("start") not in
                    (None, 1)), None)
        if bad is None or not bad.map:
            break
        lines = text.split("\n")
        fixed = _MARKER.sub(r"\1\\\2", lines[bad.map[0]], count=1)
        if fixed == lines[bad.map[0]]:
            break
        lines[bad.map[0]] = fixed
        text = "\n".join(lines)
    return text


@lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, inline code, links) to HTML without a ``<p>``."""
    return _md().renderInline(text.strip())


def render_plain(text: str) -> str:
    """Markdown reduced to plain text (for places that hold no markup, such as ``<option>``)."""
    parts: list[str] = []
    for block in _md().parseInline(text.strip()):
        for tok in block.children or ():
            if tok.type in ("text", "code_inline", "math_inline"):
                parts.append(tok.content)
            elif tok.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return _SPACES.sub(" ", "".join(parts)).strip()


def unwrap_paragraph(html_text: str) -> str | None:
    """The inside of ``<p>…</p>`` when ``html_text`` is exactly one paragraph, else ``None``."""
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        return html_text[3:-4]
    return None
