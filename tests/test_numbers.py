"""Numbers as people write them: thousands separators, decimal commas, units; ambiguous ones asked back."""
import pytest

from kcourse.core.numbers import read_number

CASES = [  # text, unit, value or None, words of the problem
    ("300,000", "", 300000, None), ("13,500", "", 13500, None), ("1,234.5", "", 1234.5, None),
    ("7,5", "", 7.5, None), ("7,50", "", 7.5, None), ("1.234.567", "", 1234567, None), ("1.234,5", "", 1234.5, None),
    ("12 000", "", 12000, None), ("12\u202f000", "", 12000, None), ("650 000", "", 650000, None),
    ("2.125", "", 2.125, None), ("0.500", "", 0.5, None), ("1e3", "", 1000, None), ("−7", "", -7, None),
    ("٣٠", "", 30, None), ("30 days", "days", 30, None), ("30 Days", "days", 30, None), ("1 day", "days", 1, None),
    ("30days", "days", 30, None), ("50%", "%", 50, None), ("50 %", "%", 50, None),
    ("5.5 releases", "releases per year", 5.5, None), ("5.5 releases per year", "releases per year", 5.5, None),
    ("5.5 per year", "releases per year", None, "per year is not the unit asked for"),
    ("13.500", "", None, "13.500 could mean 13500 (with a thousands separator) or 13.5: write 13500 or 13.5."),
    ("1.000", "", None, "could mean 1000 (with a thousands separator) or 1: write 1000 or 1."),
    ("5-6", "", None, "Give one number, not a range."), ("5 – 6", "weeks", None, "Give one number in weeks, not a range."),
    ("5 to 6", "", None, "not a range"), ("30 days", "", None, "Write the number only, without days."),
    ("30 s", "ms", None, "Write the number only in ms: s is not the unit asked for."),
    ("one", "", None, "This is not a number: write a number such as 13500 or 2.5."), ("1,2,3", "", None, "not a number"),
    ("1e400", "", None, "too large"), ("", "", None, "Type a number first."), ("inf", "", None, "not a number"),
]


@pytest.mark.parametrize("text, unit, value, problem", CASES, ids=[f"{c[0]!r}-{c[1]}" for c in CASES])
def test_read_number(text, unit, value, problem):
    r = read_number(text, unit)
    assert r.value == value
    if problem is None:
        assert r.problem is None
    else:
        assert r.problem is not None and problem in r.problem
