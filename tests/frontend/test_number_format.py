"""Every number a learner reads follows the language: the decimal mark and, for German, thousands grouped by a
narrow no-break space (DIN 5008 and the SI brochure: groups of three from 5 digits; never a dot, which an English
reader takes for a decimal point). Python (kcourse.core.i18n) and grader.js in node write the same text."""
from __future__ import annotations

import pytest

from kcourse.core import i18n
from kcourse.core.i18n import page_strings, t, use_language
from kcourse.core.model import Interval

from .static_support import BUILDS, Node

NB = "\u202f"
# (language, number, as i18n.number writes it)
NUMBERS = [
    ("en", 12500, "12500"), ("de", 12500, f"12{NB}500"),
    ("en", 1234, "1234"), ("de", 1234, "1234"),  # 4 digits stay whole in both
    ("en", 6.5, "6.5"), ("de", 6.5, "6,5"),
    ("en", -123456.5, "-123456.5"), ("de", -123456.5, f"-123{NB}456,5"),
    ("de", 1234567, f"1{NB}234{NB}567"), ("de", 12499.999999999998, f"12{NB}499,999999999998"),
    ("de", 0.001, "0,001"), ("de", 1e16, "1e+16"), ("de", 1.5e-07, "1,5e-07"), ("de", 0, "0"), ("de", -0.0, "0"),
]
# (language, key, params, as t writes it): feedback, tolerances, scores and percentages
STRINGS = [
    ("de", "grade.too_high", {"x": 20000}, f"20{NB}000 ist zu hoch."),
    ("en", "grade.too_high", {"x": 20000}, "20000 is too high."),
    ("de", "grade.too_low", {"x": 12499.5}, f"12{NB}499,5 ist zu niedrig."),
    ("de", "quiz.best", {"pct": 59.09}, "Bisher bestes Ergebnis: 59,09 %."),
    ("en", "quiz.best", {"pct": 59.09}, "Best so far: 59.09 %."),
    ("de", "practice.points", {"n": 12000.5}, f"12{NB}000,5 Punkten"),
]


@pytest.fixture(scope="module", params=BUILDS)
def node(request):
    n = Node(build=request.param)
    yield n
    n.close()


@pytest.mark.parametrize(("lang", "x", "want"), NUMBERS)
def test_numbers_are_written_for_the_reader_in_python_and_in_the_browser_script(node, lang, x, want):
    assert i18n.number(x, lang) == want
    node.call("useStrings", page_strings(lang))
    try:
        assert node.call("num", x) == want
    finally:
        node.call("useStrings", page_strings("en"))


@pytest.mark.parametrize(("lang", "key", "params", "want"), STRINGS)
def test_strings_with_numbers_agree_in_python_and_in_the_browser_script(node, lang, key, params, want):
    assert t(key, lang, **params) == want
    node.call("useStrings", page_strings(lang))
    try:
        assert node.call("tr", key, params) == want
        assert node.call("shown", 59.0909) == i18n.shown(59.0909, lang)
    finally:
        node.call("useStrings", page_strings("en"))


RANGES = [
    ("en", Interval(low=12500, high=14500), "", "Accepted: 12,500 <= x <= 14,500."),
    ("de", Interval(low=12500, high=14500), "", f"Akzeptiert: 12{NB}500 <= x <= 14{NB}500."),
    ("de", Interval(low=9.5, high=10, low_inclusive=False), "weeks", "Akzeptiert: 9,5 < x <= 10 weeks."),
    ("en", Interval(low=9.5, high=10, low_inclusive=False), "weeks", "Accepted: 9.5 < x <= 10 weeks."),
    ("de", Interval(low=-0.25, high=1234567.5), "", f"Akzeptiert: -0,25 <= x <= 1{NB}234{NB}567,5."),
]


@pytest.mark.parametrize(("lang", "interval", "unit", "want"), RANGES)
def test_the_accepted_range_a_learner_sees_follows_the_language(lang, interval, unit, want):
    from kcourse.qtypes.numeric import Numeric, answer_text

    q = Numeric(id="n", prompt="How many?", explanation="", accepted=interval, unit=unit)
    with use_language(lang):
        assert answer_text(q) == want
    assert interval.describe().startswith(("12,500", "9.5", "-0.25"))  # instructors' tools: English as before
