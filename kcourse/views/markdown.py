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


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)(\s*$)?")


def safe_markdown(text: str) -> str:
    """Author's Markdown made safe for any Markdown viewer, as :func:`render_block` is for HTML.

    Outside code: raw HTML and ``<...>`` autolinks become text (``<`` as ``&lt;``), images become text (a
    feedback file loads nothing), link reference definitions become text, and a link stays a link only when
    its target (entities decoded) has an allowed scheme. Code (fenced blocks, inline code spans) is kept as
    written: a viewer shows it literally anyway."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            continue
        if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):  # CommonMark: no ` in a ``` info string
            fence = m.group(1)
            out.append(line)
            continue
        out.append(_safe_line(line))
    return "\n".join(out)


def _safe_line(line: str) -> str:
    parts = re.split(r"(`+)", line)
    out, k = [], 0
    while k < len(parts):
        piece = parts[k]
        if k % 2 == 1:  # a run of backticks: a code span if the same run closes it later on the line (and it is
            # not escaped: `\`` is a literal backtick)
            escaped = len(parts[k - 1]) - len(parts[k - 1].rstrip("\\"))
            close = None if escaped % 2 else next((j for j in range(k + 2, len(parts), 2) if parts[j] == piece), None)
            if close is not None:
                out.append("".join(parts[k:close + 1]))
                k = close + 1
                continue
            out.append(piece)
        else:
            out.append(_safe_text(piece))
        k += 1
    return "".join(out)


def _safe_text(s: str) -> str:
    s = s.replace("<", "&lt;").replace("![", "!\\[")  # an entity: a backslash before it cannot undo it; no images
    s = s.replace("]:", "\\]:")  # no link reference definitions: their target may stand on the next line
    return _LINK_TARGET.sub(_link, s)


def _link(m: re.Match[str]) -> str:
    """A link target stays a link only if allowed and on this line (``](`` then a line end: the next line's
    target is not seen here, so it is text)."""
    if _target_allowed(m.group(1)) and not (m.group(1) == "" and m.group(2) is not None):
        return m.group(0)
    return "]\\(" + m.group(0)[2:]


def _target_allowed(url: str) -> bool:
    """:func:`link_allowed` of a link target as a viewer reads it: entities decoded (``&#106;avascript:``)."""
    import html

    return link_allowed(url) and link_allowed(html.unescape(url))
