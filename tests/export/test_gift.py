"""GIFT: escaping, and every question read back the way Moodle's importer reads it."""
import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.export.common import md_block, md_inline
from kcourse.export.gift import escape, to_gift

from .giftreader import read, unescape

ESCAPES = [
    # text, escaped: every special character of GIFT, alone and in company
    ("plain text", "plain text"),
    ("a~b", "a\\~b"),
    ("a=b", "a\\=b"),
    ("#1", "\\#1"),
    ("{x}", "\\{x\\}"),
    ("key: value", "key\\: value"),
    ("C:\\path", "C\\:\\\\path"),
    ("\\", "\\\\"),
    ("\\n is not a newline", "\\\\n is not a newline"),
    ("line\nbreak", "line\\nbreak"),
    ("crlf\r\nline", "crlf\\nline"),
    ("####", "\\#\\#\\#\\#"),
    ("::name::", "\\:\\:name\\:\\:"),
    ("~=#{}:\\", "\\~\\=\\#\\{\\}\\:\\\\"),
    ("a->b", "a->b"),
    ("100% ünïcödé 😀", "100% ünïcödé 😀"),
]


@pytest.mark.parametrize("text, escaped", ESCAPES, ids=[repr(t)[1:-1][:24] for t, _ in ESCAPES])
def test_special_characters_are_escaped(text, escaped):
    assert escape(text) == escaped
    assert unescape(escaped) == text.replace("\r", "")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r")))
def test_escaping_round_trips_through_moodles_unescaping(text):
    assert unescape(escape(text)) == text


def _by_name(gift: bytes):
    return {q.name: q for q in read(gift.decode("utf-8"))}


def test_every_question_survives(all_types_quiz):
    qs = _by_name(to_gift(all_types_quiz))
    assert set(qs) == {q.id for q in all_types_quiz.all_questions}

    single = qs["bkl-removed"]
    assert (single.qtype, single.single, single.format) == ("multichoice", True, "html")
    assert single.text == md_block(all_types_quiz.question("bkl-removed").prompt)
    assert single.answers == ["2.6.39", "2.6.0", "2.2.0"]
    assert single.fractions == [1, 0, 0]
    assert single.feedback[1] == "<p>2.6.0 still had ~500 <code>lock_kernel()</code> calls.</p>"
    assert single.general_feedback == "<p>2.6.39, May 2011, about 15 years after SMP came in 2.0.</p>"
    assert single.category == "$course$/Every question type"

    multi = qs["building-blocks"]
    assert (multi.qtype, multi.single) == ("multichoice", False)
    assert multi.fractions == pytest.approx([1 / 3, 1 / 3, -1 / 3, 1 / 3], abs=1e-6)
    assert multi.feedback[2] == "<p>Containers are not lightweight VMs.</p>"

    tf = qs["kvm-in-tree"]
    assert (tf.qtype, tf.correct, tf.feedback_true, tf.feedback_false) == (
        "truefalse", True, "", "<p>It was merged quickly because it was small.</p>")

    commits, weeks = qs["commits"], qs["weeks"]
    assert (commits.qtype, float(commits.answers[0]), commits.tolerance[0]) == ("numerical", 13500, 1000)
    assert (float(weeks.answers[0]), weeks.tolerance[0]) == (9.5, 0.5)
    assert "(Answer in weeks.)" in weeks.text

    text = qs["async-io"]
    assert (text.qtype, text.answers, text.fractions) == ("shortanswer", ["io_uring", "io uring"], [1, 1])

    match = qs["match-blocks"]
    assert match.qtype == "match"
    assert match.subquestions == ["namespaces", "cgroups", "seccomp", ""]
    assert match.subanswers == ["what a process can see", "how much it may use", "which system calls it may make",
                                "which hardware it emulates"]

    order = qs["timeline"]  # exported as a matching of items to positions
    assert order.qtype == "match"
    assert order.subquestions == ["SMP in 2.0", "Linux 2.6.0", "KVM merged", "BKL removed"]
    assert order.subanswers == ["1", "2", "3", "4"]

    assert qs["first-fosdem"].category == "$course$/Every question type/extra"


def test_special_characters_survive(edge_quiz):
    qs = _by_name(to_gift(edge_quiz))
    specials = qs["specials"]
    q = edge_quiz.question("specials")
    assert specials.text == md_block(q.prompt)
    assert "<code>{a = b}</code>" in specials.text and "\\ and ~ and # and :" in specials.text
    assert specials.answers[0] == "{a = b}"
    assert specials.feedback[0] == "<p>Right: braces ~ and = # survive.</p>"
    # A leading [ or %50% becomes a character reference so Moodle reads neither a format nor a weight.
    assert html.unescape(specials.answers[1]) == "[html] is not a format here"
    assert html.unescape(specials.answers[2]) == "%50% looks like a weight"
    assert specials.fractions == [1, 0, 0, 0]
    assert specials.answers[3] == md_inline("raw <b>html</b> is escaped")
    assert specials.general_feedback == md_block(q.explanation)
    assert specials.general_feedback.endswith("~ = # { } : and \\.</p>")
    assert specials.category == "$course$/Edge cases: specials ~ = # { } : \\ and a//slash"

    stars = qs["case-and-stars"]  # "*" is Moodle's wildcard: a literal one is written \*
    assert stars.answers == ['glob("\\*")', "Glob \\ back", "%50% off"]  # not a 50% weight
    assert stars.fractions == [1, 1, 1]

    pairs = qs["two-pairs"]
    assert pairs.subquestions[0] == "<code>cgroups</code> v1 -&gt; v2"
    assert pairs.subanswers == ["2016: unified hierarchy", "isolation {what you see}"]

    assert float(qs["negative"].answers[0]) == -20 and qs["negative"].tolerance == [0]
    assert (float(qs["relative"].answers[0]), qs["relative"].tolerance[0]) == (4, pytest.approx(0.2))
    assert (qs["false-answer"].correct, qs["false-answer"].feedback_true) == (
        False, "<p>The classic misconception: there is no second kernel.</p>")
    assert qs["valid-edge-source/borrowed-one"].category.endswith("/borrowed")
    assert "pattern-only" not in qs


WARNINGS = [
    # question (or pool/quiz), fragment of the warning
    ("(two-items)", "exported as a matching of each item to its position"),
    ("pools[0]", "pool 'mixed' became a category and its draw count (1 of 2) is lost"),
    ("pools[1]", "pool 'borrowed' became a category"),
    ("yml:1:", "three-of-five (3), mixed-two (2)"),
    ("(case-and-stars)", "'a->b' contains '->'"),
    ("(case-and-stars)", "case-sensitive; Moodle will ignore case"),
    ("(case-and-stars)", "'[html]x' starts like a GIFT text format"),
    ("(pattern-only)", "left out: the pattern"),
    ("(open-range)", "0 < x < 1 is exported as 0 <= x <= 1"),
    ("(two-pairs)", "at least 3 answers"),
    ("(two-items)", "at least 3 answers"),
]


@pytest.mark.parametrize("where, fragment", WARNINGS, ids=[f"{w} {f[:24]}" for w, f in WARNINGS])
def test_what_gift_cannot_hold_is_reported(edge_quiz, where, fragment):
    seen = []
    to_gift(edge_quiz, warn=lambda w: seen.append(str(w)))
    assert any(where in w and fragment in w for w in seen), seen


def test_a_quiz_gift_can_hold_gives_no_warning_about_it(all_types_quiz):
    seen = []
    to_gift(all_types_quiz, warn=lambda w: seen.append(str(w)))
    assert [w for w in seen if "(bkl-removed)" in w or "(building-blocks)" in w or "(commits)" in w] == []
    assert any("(async-io)" in w and "pattern" in w for w in seen)


MULTI_PARAGRAPH = """
schema_version: 1
id: paragraphs
title: Paragraphs
chapter: 1
questions:
  - id: long
    type: true_false
    prompt: |
      First paragraph.

      Second paragraph with a list:

      - one
      - two
    explanation: "Still one question."
    answer: true
"""


def test_paragraphs_stay_inside_their_question():
    """Moodle ends a question at a blank line: line breaks inside a text are written as \\n."""
    from kcourse.core.loader import load_quiz_text

    quiz = load_quiz_text(MULTI_PARAGRAPH)
    (q,) = read(to_gift(quiz).decode())
    assert q.text == md_block(quiz.question("long").prompt)
    assert "<li>two</li>" in q.text and q.general_feedback == "<p>Still one question.</p>"


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("~=#{}:\\\n[]%->*"),
               min_size=1, max_size=40).filter(lambda t: any(c.isalnum() for c in t))


@given(prompt=TEXT, right=TEXT, wrong=TEXT, feedback=TEXT, explanation=TEXT, left=TEXT, answer=TEXT)
def test_any_text_reads_back_as_written(prompt, right, wrong, feedback, explanation, left, answer):
    """Whatever the texts hold, Moodle's GIFT reading gives back exactly the HTML we rendered."""
    from hypothesis import assume

    from kcourse.core import model as m
    from kcourse.export.common import md_plain
    from kcourse.export.gift import _lead_safe

    assume(md_inline(right) != md_inline(wrong) and md_plain(right) and md_plain(wrong))
    assume(md_plain(right) != md_plain(wrong) and "->" not in answer)
    single = m.SingleChoice(id="s", prompt=prompt, explanation=explanation, options=(
        m.Choice(id="a", text=right, correct=True, feedback=feedback), m.Choice(id="b", text=wrong, correct=False)))
    match = m.Matching(id="m", prompt=prompt, explanation=explanation, pairs=(
        m.Pair(id="p", left=left, right=right), m.Pair(id="q", left=left + " 2", right=wrong)),
        distractors=(m.Item(id="d", text="zz " + wrong),))
    text = m.ShortText(id="t", prompt=prompt, explanation=explanation, accept=(answer.strip() or "x",))
    quiz = m.Quiz(id="prop", title="Prop", chapter=1, questions=(single, match, text))
    qs = _by_name(to_gift(quiz))
    s = qs["s"]
    assert s.text == md_block(prompt) and s.general_feedback == md_block(explanation)
    assert s.answers == [_lead_safe(md_inline(right)), _lead_safe(md_inline(wrong))]
    assert s.fractions == [1, 0] and s.feedback[0] == md_block(feedback)
    mq = qs["m"]
    assert mq.subquestions[:2] == [_lead_safe(md_inline(left)), _lead_safe(md_inline(left + " 2"))]
    assert mq.subanswers == [md_plain(right), md_plain(wrong), md_plain("zz " + wrong)]
    assert qs["t"].answers == [(answer.strip() or "x").replace("*", "\\*")]
