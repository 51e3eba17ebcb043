"""Quiz Markdown is rendered safely: raw HTML shows as text, only harmless links become links."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcourse.views.markdown import link_allowed, render_block, render_inline, render_plain, unwrap_paragraph

INLINE = [
    ("emphasis", "a *b* **c**", "a <em>b</em> <strong>c</strong>"),
    ("inline-code-escaped", "`lock_kernel()` and `<b>`", "<code>lock_kernel()</code> and <code>&lt;b&gt;</code>"),
    ("script-tag", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("img-onerror", '<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ("https-link", "[docs](https://kernel.org/)", '<a href="https://kernel.org/">docs</a>'),
    ("http-link", "[x](http://a.b/c?d=1&e=2)", '<a href="http://a.b/c?d=1&amp;e=2">x</a>'),
    ("mailto-link", "[mail](mailto:a@b.org)", '<a href="mailto:a@b.org">mail</a>'),
    ("relative-link", "[next](../ch03.html#quiz)", '<a href="../ch03.html#quiz">next</a>'),
    ("fragment-link", "[up](#top)", '<a href="#top">up</a>'),
    ("javascript-link", "[x](javascript:alert(1))", "[x](javascript:alert(1))"),
    ("javascript-upper", "[x](JavaScript:alert(1))", "[x](JavaScript:alert(1))"),
    ("javascript-encoded-tab", "[x](java%09script:alert(1))", "[x](java%09script:alert(1))"),
    ("data-link", "[x](data:text/html,<script>alert(1)</script>)",
     "[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;)"),
    ("vbscript-link", "[x](vbscript:msgbox)", "[x](vbscript:msgbox)"),
    ("file-link", "[x](file:///etc/passwd)", "[x](file:///etc/passwd)"),
    ("autolink-javascript", "<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;"),
    ("autolink-https", "<https://a.b>", '<a href="https://a.b">https://a.b</a>'),
    ("image-is-text", "![logo](https://cdn.example.org/x.png)", '!<a href="https://cdn.example.org/x.png">logo</a>'),
    ("entity-kept", "a &amp; b &lt;", "a &amp; b &lt;"),
    ("quote-in-title", '[x](https://a.b "t\\"><script>")',
     '<a href="https://a.b" title="t&quot;&gt;&lt;script&gt;">x</a>'),
]


@pytest.mark.parametrize("text, want", [c[1:] for c in INLINE], ids=[c[0] for c in INLINE])
def test_render_inline(text, want):
    assert render_inline(text) == want


BLOCK = [
    ("paragraphs", "a\n\nb", "<p>a</p>\n<p>b</p>"),
    ("list", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ("fenced-code-escaped", "```\n<script>x</script>\n```", "<pre><code>&lt;script&gt;x&lt;/script&gt;\n</code></pre>"),
    ("html-block-escaped", "<div onclick=x>\nhi\n</div>", "<p>&lt;div onclick=x&gt;\nhi\n&lt;/div&gt;</p>"),
    ("heading-is-text", "# Big", "<p># Big</p>"),
    ("setext-heading-is-text", "Big\n===", "<p>Big\n===</p>"),
    ("year-is-not-a-list", "2001.", "<p>2001.</p>"),
    ("years-are-not-lists", "1996. SMP\n\n2003. 2.6.0", "<p>1996. SMP</p>\n<p>2003. 2.6.0</p>"),
    ("quoted-year", "> 1999) x", "<blockquote>\n<p>1999) x</p>\n</blockquote>"),
    ("numbered-list-from-1", "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
    ("loose-numbered-list", "1. a\n\n2. b", "<ol>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ol>"),
]


@pytest.mark.parametrize("text, want", [c[1:] for c in BLOCK], ids=[c[0] for c in BLOCK])
def test_render_block(text, want):
    assert render_block(text) == want


@pytest.mark.parametrize("url, ok", [
    ("https://a.b", True), ("HTTP://a.b", True), ("mailto:x@y", True), ("page.html", True), ("/abs", True),
    ("?q=1", True), ("#x", True), ("a/b:c", True), ("", True),
    ("javascript:x", False), (" javascript:x", False), ("java%09script:x", False), ("data:x", False),
    ("ftp://a.b", False), ("file:///x", False), ("a:b/c", False),
], ids=lambda v: repr(v))
def test_link_allowed(url, ok):
    assert link_allowed(url) is ok


@pytest.mark.parametrize("text, want", [
    ("`<b>2</b>` *x*", "<b>2</b> x"), ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("a\nb", "a b"), ("[t](https://a.b)", "t"),
], ids=["code-and-emphasis", "raw-html-is-text", "soft-break", "link-text"])
def test_render_plain_gives_text_for_textcontent(text, want):
    assert render_plain(text) == want


@pytest.mark.parametrize("html, want", [
    ("<p>a <em>b</em></p>", "a <em>b</em>"), ("<p>a</p>\n<p>b</p>", None), ("<ul>\n<li>a</li>\n</ul>", None),
], ids=["one-paragraph", "two-paragraphs", "list"])
def test_unwrap_paragraph(html, want):
    assert unwrap_paragraph(html) == want


@given(st.lists(st.sampled_from(list("<>&\"'= /ab:()[]!`*\n") + ["script", "img", "onerror", "javascript:"]),
                max_size=40).map("".join))
def test_no_raw_tag_or_script_link_survives(text):
    for out in (render_block(text), render_inline(text)):
        # every "<" in the output starts one of the tags Markdown itself makes
        for chunk in out.split("<")[1:]:
            assert chunk.split(">")[0].split(" ")[0].strip("/") in {"p", "em", "strong", "code", "pre", "a", "br", "ul",
                                                                     "ol", "li", "blockquote", "hr"}, out
        assert 'href="javascript' not in out.lower()


# -- feedback --format md: Markdown as safe as the HTML, in any viewer ------------------------------------------
def _permissive_tokens(text: str):
    """Tokens of a viewer that renders raw HTML, images and every link (markdown-it with everything allowed)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    for tok in md.parse(text):
        yield tok
        yield from tok.children or ()


def _unsafe(text: str) -> list[str]:
    import html

    bad = []
    for tok in _permissive_tokens(text):
        if tok.type in ("html_block", "html_inline", "image"):
            bad.append(tok.type)
        if tok.type == "link_open" and not link_allowed(html.unescape(str(tok.attrGet("href")))):
            bad.append(str(tok.attrGet("href")))
    return bad


HOSTILE_MD = ["<script>alert(1)</script>", "[x](javascript:alert(1))", "[x]( <javascript:alert(1)> )",
              "[x](&#106;avascript:alert(1))", "[r]: javascript:alert(1)\n\n[y][r]", "<img src=x onerror=alert(1)>",
              "\\<script>", "<javascript:alert(1)>", "![t](https://tracker.example/p.png)", "` a ` <b>x</b> `<i>`",
              "```\n<script>\n```\n<b>after the fence</b>", "- <iframe src=//e.x>", "[x](JAVASCRIPT:a)",
              "[x](data:text/html,<script>)", "<!-- c -->", "<?php ?>", "[x](vbscript:a 'title')",
              "\\`<b>x</b>`", "[x](\njavascript:alert(1))", "[r]:\n  javascript:alert(1)\n\n[y][r]",
              "[r\n]: javascript:alert(1)\n\n[y][r\n]", "```a`b\n<script>x</script>"]


@pytest.mark.parametrize("text", HOSTILE_MD)
def test_safe_markdown_leaves_nothing_a_viewer_would_run(text):
    from kcourse.views.markdown import safe_markdown

    assert _unsafe(text) or "tracker" in text or "<" in text  # the case is hostile to a permissive viewer
    assert _unsafe(safe_markdown(text)) == []


def test_safe_markdown_keeps_ordinary_markdown():
    from kcourse.views.markdown import safe_markdown

    text = "Use `lock_kernel()` and *care*; see [LWN](https://lwn.net/) and [ch. 3](../ch03.html).\n\n- a\n- b"
    assert safe_markdown(text) == text


@settings(max_examples=500)
@given(st.lists(st.sampled_from(list("<>[]()!`\\&#;:/ \n-*_~\"'") + ["javascript", "script", "img", "a", "http",
                                                                     "&#106;", "data", "x"]), max_size=40).map("".join))
def test_safe_markdown_is_safe_for_any_text(text):
    from kcourse.views.markdown import safe_markdown

    assert _unsafe(safe_markdown(text)) == []
