"""kcourse.saferegex: the supported syntax matches as Python's re does; what it refuses it refuses with a
reason; and no pattern it accepts can make matching slow (the engine never backtracks)."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.core.saferegex import MAX_MATCH, MAX_PROGRAM, PatternError, compile_pattern, fullmatch

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REFUSED = [
    (r"(a)\1", "a back-reference"),
    (r"(?P<x>a)(?P=x)", "a named group"),
    (r"(?=a)a", "a lookahead"),
    (r"(?!a)b", "a negative lookahead"),
    (r"(?<=a)b", "a lookbehind"),
    (r"(?<!a)b", "a negative lookbehind"),
    (r"(?i)a", "an inline flag"),
    (r"(?>a)", "an atomic group"),
    (r"(?(1)a|b)", "a conditional"),
    (r"(?#c)a", "a comment"),
    (r"a*+", "a possessive repeat"),
    (r"a**", "multiple repeat"),
    (r"a{2}{3}", "multiple repeat"),
    (r"*a", "nothing to repeat"),
    (r"^*", "nothing to repeat"),
    (r"\b+", "nothing to repeat"),
    (r"\Aa\Z", "\\A is not supported"),
    (r"\N{DASH}", "bad escape \\N"),
    (r"\q", "bad escape \\q"),
    (r"\x4", "incomplete escape"),
    (r"[z-a]", "bad character range"),
    (r"[\d-z]", "bad character range"),
    (r"[a", "unterminated character set"),
    (r"(a", "missing ), unterminated subpattern"),
    (r"a)", "unbalanced parenthesis"),
    (r"a{3,2}", "min repeat greater than max repeat"),
    (r"a{101}", "a repeat count above 100"),
    (r"a{99999999999999999999}", "a repeat count above 100"),
    (r"((a{30}){30}){30}", f"more than {MAX_PROGRAM:,} steps"),
    ("(" * 40 + "a" + ")" * 40, "groups nested more than 30 deep"),
    ("a" * 501, "more than 500"),
]


@pytest.mark.parametrize(("pattern", "reason"), REFUSED, ids=[r[1] + " " + r[0][:20] for r in REFUSED])
def test_refused_with_the_reason(pattern, reason):
    with pytest.raises(PatternError, match=re.escape(reason)):
        compile_pattern(pattern)


PATHOLOGICAL = [r"(a+)+b", r"(\w+\s?)+!", r"(x+x+)+y", r"(a|aa)+c", r"(.*a){20}", r"(a|b)*a(a|b){20}", r"(a?){50}a{50}",
                r"(\w*\s*)*!", r"((a{1,5}){1,5}){1,5}z"]


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_patterns_that_backtrack_for_ever_in_re_are_accepted_and_answer_at_once(pattern):
    compile_pattern(pattern)
    for text in ("a" * MAX_MATCH, "ab " * 333, "x" * 999 + "!", "a" * 999 + "b"):
        assert fullmatch(pattern, text) in (True, False)  # returns: no backtracking (benchmarks/ has the times)


def test_a_longer_answer_than_the_bound_never_matches():
    assert fullmatch("a*", "a" * MAX_MATCH)
    assert not fullmatch("a*", "a" * (MAX_MATCH + 1))


# -- the same answers as re on the supported subset --------------------------------------------------------------
ALPHABET = list("abAB01 _.-é")
LITERAL = st.sampled_from(list("abAB01_é") + [r"\.", r"\-", " ", r"\x41", r"\u00e9"])
CLASS = st.sampled_from([r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", ".", "[ab]", "[^a]", "[a-b0]", "[]a]", r"[\d_]",
                         "[A-Z]", r"[^\W\d]", "[é-ü]", "[.-]"])
ANCHOR = st.sampled_from(["^", "$", r"\b", r"\B"])
QUANT = st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{,2}", "{2,}", "*?", "+?", "??", "{0}"])


def _patterns():
    atom = st.one_of(LITERAL, CLASS)
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(inner, QUANT).map("".join),
            st.lists(inner, min_size=1, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map("|".join),
            inner.map(lambda x: f"({x})"),
            inner.map(lambda x: f"(?:{x})"),
            st.tuples(ANCHOR, inner).map("".join),
            st.tuples(inner, ANCHOR).map("".join),
        ),
        max_leaves=8,
    ).filter(lambda p: _python_accepts(p))


def _python_accepts(p: str) -> bool:
    try:
        re.compile(p)
        compile_pattern(p)
    except (re.error, PatternError):
        return False
    return True


@SETTINGS
@given(pattern=_patterns(), texts=st.lists(st.text(st.sampled_from(ALPHABET), max_size=8), min_size=1, max_size=8),
       ignore_case=st.booleans())
def test_matches_as_python_re_does(pattern, texts, ignore_case):
    flags = re.IGNORECASE if ignore_case else 0
    for t in texts:
        assert fullmatch(pattern, t, ignore_case=ignore_case) == (re.fullmatch(pattern, t, flags) is not None), (
            pattern, t, ignore_case)


@SETTINGS
@given(pattern=st.text(st.sampled_from(list("ab()[]{}|?*+.^$\\-,0123dwsbBDxu:=!<>P")), max_size=14))
def test_any_text_is_accepted_or_refused_cleanly_and_accepted_means_re_accepts(pattern):
    try:
        compile_pattern(pattern)
    except PatternError as e:
        assert " at position " in str(e) or "steps" in str(e)
        return
    re.compile(pattern)  # what we accept, Python accepts (the reverse need not hold)
