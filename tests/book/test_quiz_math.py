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


def test_an_image_next_to_the_quiz_is_inlined_and_a_missing_one_reported(tmp_path):
    from kcourse.core.loader import load_quiz
    from kcourse.frontend.static_html import render_fragment
    from kcourse.views.markdown import quiz_images

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    quiz = tmp_path / "q.yml"
    quiz.write_text("schema_version: 1\nid: q\ntitle: Q\nquestions:\n  - id: a\n    type: true_false\n"
                    "    prompt: \"![a dot](img/dot.svg) A?\"\n    explanation: \"![gone](img/gone.png) ![up](../x.png)\"\n"
                    "    answer: true\n")
    page = render_fragment(load_quiz(quiz), mode="assessment")
    assert "data:image/svg+xml;base64," in page and str(tmp_path) not in page
    with quiz_images(tmp_path) as log:
        render_fragment(load_quiz(quiz))  # practice: the explanation is in the (packed) key
    assert log.used == [tmp_path / "img" / "dot.svg"]
    assert log.missing == ["img/gone.png: no such file next to the quiz",
                           "../x.png: give a file next to the quiz (a relative path inside its folder)"]
