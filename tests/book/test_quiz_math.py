"""Math in quiz text: ``$...$`` and ``$$...$$`` become MathML when the page data is made (no MathJax, no CDN);
dollar signs that are not math stay text."""
import pytest

from kcourse.views.markdown import render_block, render_inline, render_plain


@pytest.mark.parametrize("text, has_math, kept", [
    ("What is $2^{10}$?", True, "<msup><mn>2</mn>"),
    ("It costs $5 and $10.", False, "It costs $5 and $10."),
    ("Use `$HOME` here", False, "<code>$HOME</code>"),
    ("$ a $ is not math", False, "$ a $ is not math"),
    (r"Escaped \$x\$ stays", False, "$x$"),
], ids=["inline", "prices", "code", "spaces", "escaped"])
def test_inline_math(text, has_math, kept):
    out = render_inline(text)
    assert ("<math" in out) == has_math and kept in out


def test_display_math_and_plain_text():
    assert 'display="block"' in render_block("$$\\frac{1}{2}$$")
    assert render_plain("What is $x^2$?") == "What is x^2?"


def test_tex_that_cannot_be_converted_shows_as_code():
    out = render_inline(r"A $\unknowncommand{<script>}$ here")
    assert "<script>" not in out
    assert "<math" in out or "kq-math" in out
