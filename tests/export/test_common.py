"""Shared pieces: identifiers, numbers, intervals, category paths, Markdown to safe HTML, located warnings."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.core import model as m
from kcourse.core.warnings_ import WarningKind
from kcourse.export.common import (
    category_path,
    exclusive_ends,
    ident,
    md_block,
    md_inline,
    md_plain,
    num,
    numeric_target,
    share_percent,
    xml_safe,
)

ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,6}", fullmatch=True)
QUIZ_ID = st.from_regex(r"[a-z0-9][a-z0-9-]{0,6}", fullmatch=True)
QUESTION_ID = st.one_of(ID, st.builds(lambda a, b: f"{a}/{b}", QUIZ_ID, ID))


@given(QUIZ_ID, QUESTION_ID, ID, QUIZ_ID, QUESTION_ID, ID)
def test_identifiers_differ_when_their_parts_differ(q1, qq1, o1, q2, qq2, o2):
    assert (ident(q1, qq1, o1) == ident(q2, qq2, o2)) == ((q1, qq1, o1) == (q2, qq2, o2))


def test_identifier_of_a_borrowed_question_has_no_slash():
    assert ident("final", "ch02-growing-up/bkl", "a") == "final.ch02-growing-up.bkl.a"


@pytest.mark.parametrize("x, text", [
    (13500, "13500"), (13500.0, "13500"), (0.5, "0.5"), (-20, "-20"), (0.1 + 0.2, "0.3"),
    (1e-7, "1e-07"), (2.5e20, "2.5e+20"), (0, "0"),
], ids=["int", "int-float", "half", "negative", "binary-noise", "tiny", "huge", "zero"])
def test_numbers_are_written_without_noise(x, text):
    assert num(x) == text


@pytest.mark.parametrize("q, answer, half, low, high, open_ends", [
    (m.Numeric(id="a", prompt="p", explanation="e", accepted=m.Interval(low=12500, high=14500), answer=13500),
     13500, 1000, 12500, 14500, ""),
    (m.Numeric(id="r", prompt="p", explanation="e", accepted=m.Interval(low=4 - 0.2, high=4 + 0.2), answer=4),
     4, 0.2, 3.8, 4.2, ""),
    (m.Numeric(id="g", prompt="p", explanation="e", accepted=m.Interval(low=9, high=10)), None, 0.5, 9, 10, ""),
    (m.Numeric(id="o", prompt="p", explanation="e",
               accepted=m.Interval(low=0, high=1, low_inclusive=False, high_inclusive=False)),
     None, 0.5, 0, 1, "0 < x < 1"),
], ids=["absolute", "relative", "range", "open-range"])
def test_numeric_targets(q, answer, half, low, high, open_ends):
    t = numeric_target(q)
    assert t.answer == answer
    assert t.half_width == pytest.approx(half)
    assert (t.low, t.high) == (pytest.approx(low), pytest.approx(high))
    assert t.midpoint - t.half_width == pytest.approx(low) and t.midpoint + t.half_width == pytest.approx(high)
    assert exclusive_ends(q) == open_ends


@pytest.mark.parametrize("names, path", [
    (("Growing up: SMP",), "$course$/Growing up: SMP"),
    (("a/b", "pool"), "$course$/a//b/pool"),
    (("/lead", "trail/"), "$course$/ //lead/trail// "),
    (("two\n  lines",), "$course$/two lines"),
], ids=["colon-kept", "slash-doubled", "edge-slashes-padded", "whitespace-collapsed"])
def test_category_paths_escape_slashes_as_moodle_does(names, path):
    assert category_path(*names) == path


@pytest.mark.parametrize("n, share, listed", [
    (1, "100", True), (2, "50", True), (3, "33.33333", True), (6, "16.66667", True), (7, "14.28571", True),
    (20, "5", True), (11, "9.09091", False),
], ids=lambda v: str(v))
def test_shares_of_right_options_use_moodle_grades(n, share, listed):
    assert share_percent(n) == (share, listed)


@pytest.mark.parametrize("md, html", [
    ("a **b**", "<p>a <strong>b</strong></p>"),
    ("raw <script>alert(1)</script>", "<p>raw &lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("`v<int>`", "<p><code>v&lt;int&gt;</code></p>"),
    ("bell\x07here", "<p>bellhere</p>"),
    ("# not a heading", "<p># not a heading</p>"),
], ids=["emphasis", "raw-html-escaped", "javascript-link-refused", "code-escaped", "control-char-dropped",
        "no-heading-as-on-the-pages"])
def test_markdown_becomes_safe_html(md, html):
    """The same renderer as the course pages (kcourse.views.markdown), plus XML-safe characters."""
    assert md_block(md) == html


def test_inline_and_plain_markdown():
    assert md_inline("`vector<int>` & *x*") == "<code>vector&lt;int&gt;</code> &amp; <em>x</em>"
    assert md_plain("`vector<int>` & *x*") == "vector<int> & x"


def test_xml_safe_keeps_tabs_newlines_and_unicode():
    assert xml_safe("a\tb\nc\u00e9\U0001f600\x00\x1f") == "a\tb\nc\u00e9\U0001f600"


def test_warnings_are_located_and_typed(edge_quiz):
    from kcourse.export.gift import to_gift

    seen = []
    to_gift(edge_quiz, warn=seen.append)
    assert seen and all(w.kind is WarningKind.EXPORT_UNSUPPORTED for w in seen)
    ordering = next(str(w) for w in seen if "(two-items)" in str(w))
    assert ordering.startswith(f"{edge_quiz.source}:72: questions[9] (two-items): GIFT: ")
    assert ordering.endswith("[kcourse.export-unsupported]")
