"""kcourse/frontend/static/saferegex.js against kcourse/saferegex.py: the same patterns accepted, the same
answers matched (the browser grades text patterns with it)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.core.saferegex import MAX_MATCH, PatternError, compile_pattern, fullmatch

from ..test_saferegex import ALPHABET, PATHOLOGICAL, REFUSED, _patterns
from .static_support import BUILDS, Node

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ODD = ["ſ", "K", "İ", "ǅ", "ß", "ẞ", "Σ", "\n", "\u3000", "\x1c", "٣", "𝟗", "😀", "\ud800", "_", "Ⅻ"]


@pytest.fixture(scope="module", params=BUILDS)
def node(request):
    n = Node(build=request.param)
    yield n
    n.close()


def test_refused_patterns_are_refused_in_the_browser_too(node):
    for pattern, _reason in REFUSED:
        assert node.call("patternError", pattern) is not None, pattern


def test_pathological_patterns_answer_alike(node):
    texts = ["a" * MAX_MATCH, "a" * 999 + "b", "x" * 999 + "!", "ab " * 333, "a" * (MAX_MATCH + 1)]
    for pattern in PATHOLOGICAL:
        assert node.call("fullmatch", pattern, False, texts) == [fullmatch(pattern, t, ignore_case=True)
                                                                 for t in texts], pattern


@SETTINGS
@given(pattern=_patterns(), texts=st.lists(st.text(st.sampled_from(ALPHABET + ODD), max_size=8), min_size=1,
                                           max_size=8), cs=st.booleans())
def test_browser_matches_as_python(node, pattern, texts, cs):
    texts = [t for t in texts if "\ud800" not in t] or [""]  # JSON to node cannot carry a lone surrogate
    want = [fullmatch(pattern, t, ignore_case=not cs) for t in texts]
    assert node.call("fullmatch", pattern, cs, texts) == want, pattern


@SETTINGS
@given(pattern=st.text(st.sampled_from(list("ab()[]{}|?*+.^$\\-,0123dwsbBDxu:=!<>P") + ["é"]), max_size=14))
def test_browser_accepts_exactly_what_validation_accepts(node, pattern):
    try:
        compile_pattern(pattern)
        ok = True
    except PatternError:
        ok = False
    assert (node.call("patternError", pattern) is None) == ok, pattern
