"""Safe Markdown for quiz text: prompts, options, feedback, hints and explanations.

CommonMark through markdown-it-py, ``$...$`` / ``$$...$$`` math as MathML (:func:`render_math`), raw HTML
*escaped* (``<script>`` shows as text), no headings (a prompt must not break the page's outline), and links
only to ``http:``, ``https:``, ``mailto:`` or relative addresses. Everything else in a link is left as plain
text. Images (``![a diagram](img/locks.png)``) are files next to the quiz, shown only inside
:func:`quiz_images`, which inlines them as ``data:`` addresses: a page loads nothing from elsewhere. Pure
(no IPython); the only I/O is reading those image files.
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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

        out = convert(latex, display="block" if display else "inline")
        # the TeX source rides along (MathML's own alttext): text made from the HTML, such as the quiz's
        # readable download, writes it instead of the bare digits ("2^{10}", not "210")
        return out.replace("<math ", f'<math alttext="{html.escape(latex)}" ', 1)
    except Exception:  # ImportError, or one of the several exceptions latex2mathml raises for unsupported TeX
        code = f'<code class="kq-math">{html.escape(latex)}</code>'
        return f"<p>{code}</p>" if display else code


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 512_000
_FOLDER: ContextVar[Path | None] = ContextVar("kcourse_quiz_folder", default=None)


@dataclass
class ImageLog:
    used: list[Path] = field(default_factory=list)
    """The image files shown (a page that shows them depends on them)."""
    missing: list[str] = field(default_factory=list)
    """``src: why`` of each image reference that could not be shown (it shows as ``[image: alt text]``)."""


_LOG: ContextVar[ImageLog | None] = ContextVar("kcourse_image_log", default=None)


@contextmanager
def quiz_images(folder: str | Path | None) -> Iterator[ImageLog]:
    """Inside the block, quiz text may show image files of ``folder`` (the quiz's own folder or below); yields
    what was shown and what could not be (missing, outside the folder, not an image, too big)."""
    log = ImageLog()
    t1 = _FOLDER.set(Path(folder).resolve() if folder is not None else None)
    t2 = _LOG.set(log)
    try:
        yield log
    finally:
        _FOLDER.reset(t1)
        _LOG.reset(t2)


@contextmanager
def images_of(source: str | Path | None) -> Iterator[ImageLog | None]:
    """Inside the block, a quiz loaded from ``source`` shows the image files next to it, inlined as ``data:``
    addresses (the static page and the JupyterLab widgets alike); a quiz from no file, or a block already inside
    :func:`quiz_images`, changes nothing (yields ``None`` then)."""
    if images_active() or not source or str(source).startswith("<"):
        yield None
        return
    with quiz_images(Path(source).parent) as log:
        yield log


def images_active() -> bool:
    return _FOLDER.get() is not None


def _image(src: str, alt: str) -> str:
    folder, log = _FOLDER.get(), _LOG.get()
    why = ""
    target = (folder / src).resolve() if folder is not None else None
    if folder is None or target is None:
        why = "images show only in the book and the quiz pages"
    elif (re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith(("/", "\\"))
          or not target.is_relative_to(folder)):
        why = "give a file next to the quiz (a relative path inside its folder)"
    elif target.suffix.lower() not in IMAGE_TYPES:
        why = f"not an image file ({', '.join(sorted(IMAGE_TYPES))})"
    elif not target.is_file():
        why = "no such file next to the quiz"
    elif target.stat().st_size > MAX_IMAGE_BYTES:
        why = f"larger than {MAX_IMAGE_BYTES // 1000} KB"
    if why or target is None:
        if log is not None:
            log.missing.append(f"{src}: {why}")
        from ..core.i18n import t

        return f'<span class="kq-missing-image">{html.escape(t("page.missing_image", alt=alt))}</span>'
    if log is not None:
        log.used.append(target)
    data = base64.b64encode(target.read_bytes()).decode("ascii")
    return (f'<img class="kq-img" src="data:{IMAGE_TYPES[target.suffix.lower()]};base64,{data}" '
            f'alt="{html.escape(alt, quote=True)}">')


@lru_cache(maxsize=2)
def _md(images: bool = False):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["heading", "lheading"] if images else ["image", "heading", "lheading"])
    md.validateLink = link_allowed  # type: ignore[method-assign]
    if images:
        md.add_render_rule("image", lambda self, tokens, idx, options, env: _image(
            tokens[idx].attrGet("src") or "", self.renderInlineAsText(tokens[idx].children or [], options, env)))
    try:  # $...$ and $$...$$ math; mdit-py-plugins comes with kcourse[book] (it is MyST's own parser plugin)
        from mdit_py_plugins.dollarmath import dollarmath_plugin
    except ImportError:
        return md
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           renderer=lambda content, opts: render_math(content, bool(opts.get("display_mode"))))
    return md


def render_block(text: str) -> str:
    """Markdown (paragraphs, lists, code) to HTML; raw HTML in ``text`` is escaped (see :func:`_render_block`)."""
    if images_active() and "![" in text:
        return _md(True).render(_keep_numbers(text)).strip()  # not cached: reads the image files, notes the missing
    return _render_block(text)


@lru_cache(maxsize=4096)
def _render_block(text: str) -> str:
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


def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, inline code, links) to HTML without a ``<p>``."""
    if images_active() and "![" in text:
        return _md(True).renderInline(text.strip())
    return _render_inline(text)


@lru_cache(maxsize=4096)
def _render_inline(text: str) -> str:
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
