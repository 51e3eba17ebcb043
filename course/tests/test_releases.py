"""Tests of the chapter 9 lab (smallsteps.labs.releases) and of the release table it ships."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smallsteps.labs import releases as rl

# --- the shipped data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return rl.load_releases()


def test_shipped_table_spans_2_6_12_to_7_2(shipped):
    assert shipped[0] == rl.Release("2.6.12", date(2005, 6, 17))
    assert shipped[-1] == rl.Release("7.2", date(2026, 8, 16))
    assert len(shipped) == 112


def test_shipped_table_has_every_mainline_release_without_gaps(shipped):
    expected = (
        [f"2.6.{n}" for n in range(12, 40)]
        + [f"3.{n}" for n in range(0, 20)]
        + [f"4.{n}" for n in range(0, 21)]
        + [f"5.{n}" for n in range(0, 20)]
        + [f"6.{n}" for n in range(0, 20)]
        + ["7.0", "7.1", "7.2"]
    )
    assert [r.version for r in shipped] == expected


def test_shipped_table_is_sane(shipped):
    assert rl.sanity_problems(shipped) == []


def test_shipped_dates_strictly_increase_and_versions_in_order(shipped):
    assert all(a.day < b.day for a, b in zip(shipped, shipped[1:]))
    assert all(a.key < b.key for a, b in zip(shipped, shipped[1:]))
    assert all(r.day <= date(2026, 11, 26) for r in shipped)


@pytest.mark.parametrize(
    ("version", "day"),
    [
        ("2.6.12", date(2005, 6, 17)),  # LKML announcement
        ("2.6.13", date(2005, 8, 28)),  # start of the predictable cycle in the talk
        ("2.6.16", date(2006, 3, 20)),  # the early longterm kernel
        ("2.6.39", date(2011, 5, 19)),  # the BKL-free release
        ("3.0", date(2011, 7, 22)),
        ("5.5", date(2020, 1, 27)),  # current when the talk was given (FOSDEM, 1-2 Feb 2020)
        ("6.12", date(2024, 11, 17)),
        ("6.18", date(2025, 11, 30)),
        ("6.17", date(2025, 9, 28)),  # bcachefs marked externally maintained
        ("7.0", date(2026, 4, 12)),
        ("7.1", date(2026, 6, 14)),
        ("7.2", date(2026, 8, 16)),  # from news reports, see mainline-releases.md
    ],
    ids=lambda v: str(v),
)
def test_shipped_release_days(shipped, version, day):
    assert {r.version: r.day for r in shipped}[version] == day


def test_the_talks_nine_or_ten_weeks_mostly_holds(shipped):
    s = rl.summarize(rl.intervals(shipped))
    assert s.count == 111
    assert s.median_days == 69.0
    assert s.share_9_10_weeks == pytest.approx(67 / 111)
    assert (s.shortest, s.longest) == (56, 107)


def test_rhythm_tightened_since_5_0(shipped):
    recent = [iv for iv in rl.intervals(shipped) if iv.start.key >= (5, 0)]
    s = rl.summarize(recent)
    assert s.median_days == 63.0
    assert s.share_9_10_weeks > 0.9


def test_five_or_six_releases_in_every_full_year(shipped):
    per_year = rl.releases_per_year(shipped)
    assert all(4 <= n <= 6 for year, n in per_year.items() if 2006 <= year <= 2025)
    assert sum(per_year.values()) == len(shipped)


# --- parse_version ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.6.13", (2, 6, 13)), ("7.0", (7, 0)), (" 4.20 ", (4, 20))],
    ids=["three-parts", "two-parts", "whitespace"],
)
def test_parse_version_ok(text, expected):
    assert rl.parse_version(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "7", "6.1-rc3", "2.6.16.62", "v6.1", "6..1", "6.1.", "٦.1"],
    ids=["empty", "one-part", "rc", "stable-four-parts", "v-prefix", "empty-part", "trailing-dot", "arabic-digit"],
)
def test_parse_version_rejects(text):
    with pytest.raises(ValueError, match="not a mainline version"):
        rl.parse_version(text)


def test_versions_sort_as_numbers_not_text():
    assert rl.Release("2.6.9", date(2004, 10, 18)).key < rl.Release("2.6.10", date(2004, 12, 24)).key
    assert rl.Release("3.19", date(2015, 2, 9)).key < rl.Release("4.0", date(2015, 4, 12)).key


# --- parse_releases --------------------------------------------------------------------------

GOOD = "# comment\nversion,date\n\n2.6.13,2005-08-28\n2.6.14,2005-10-28\n"


def test_parse_releases_skips_comments_and_blank_lines():
    assert rl.parse_releases(GOOD) == [
        rl.Release("2.6.13", date(2005, 8, 28)),
        rl.Release("2.6.14", date(2005, 10, 28)),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "f.csv: no header line"),
        ("# only a comment\n", "f.csv: no header line"),
        ("version,released\n2.6.13,2005-08-28\n", "f.csv:1: header is 'version,released'"),
        ("version,date\n2.6.13\n", "f.csv:2: expected 2 fields"),
        ("version,date\n2.6.13,2005-08-28,extra\n", "f.csv:2: expected 2 fields"),
        ("version,date\n2.6.13-rc1,2005-08-28\n", "f.csv:2: version: not a mainline version"),
        ("version,date\n2.6.13,28.08.2005\n", "f.csv:2: date: '28.08.2005' is not an ISO date"),
        ("version,date\n2.6.13,2005-02-30\n", "f.csv:2: date: '2005-02-30' is not an ISO date"),
        ("version,date\n2.6.13,2005-08-28\n2.6.13,2005-08-29\n", "f.csv:3: version 2.6.13 already given on line 2"),
    ],
    ids=["empty", "comment-only", "wrong-header", "too-few", "too-many", "rc-version", "german-date",
         "impossible-date", "duplicate"],
)
def test_parse_releases_errors_name_file_and_line(text, message):
    with pytest.raises(rl.ReleaseDataError) as info:
        rl.parse_releases(text, source="f.csv")
    assert str(info.value).startswith(message)


def test_load_releases_from_a_path(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert [r.version for r in rl.load_releases(path)] == ["2.6.13", "2.6.14"]


# --- intervals, shares, summaries, sanity ----------------------------------------------------


def _rel(*pairs):
    return [rl.Release(v, date.fromisoformat(d)) for v, d in pairs]


def test_intervals_days_and_weeks():
    ivs = rl.intervals(_rel(("6.0", "2022-10-02"), ("6.1", "2022-12-11"), ("6.2", "2023-02-19")))
    assert [iv.days for iv in ivs] == [70, 70]
    assert [iv.weeks for iv in ivs] == [10.0, 10.0]
    assert (ivs[0].start.version, ivs[0].end.version) == ("6.0", "6.1")


@pytest.mark.parametrize(
    ("days", "expected"),
    [([63, 70], 1.0), ([62, 71], 0.0), ([63, 64, 100, 56], 0.5), ([70], 1.0)],
    ids=["both-ends-included", "just-outside", "half", "single"],
)
def test_share_in_band_includes_both_ends(days, expected):
    assert rl.share_in_band(days) == expected


def test_share_in_band_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no intervals"):
        rl.share_in_band([])


def test_summarize():
    ivs = rl.intervals(_rel(("4.0", "2015-04-12"), ("4.1", "2015-06-22"), ("4.2", "2015-08-30"), ("4.3", "2015-11-02")))
    s = rl.summarize(ivs)
    assert [iv.days for iv in ivs] == [71, 69, 64]
    assert (s.count, s.median_days, s.shortest, s.longest) == (3, 69.0, 64, 71)
    assert s.mean_days == pytest.approx(68.0)
    assert s.share_9_10_weeks == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        rl.summarize([])


@pytest.mark.parametrize(
    ("pairs", "fragment"),
    [
        ((("6.1", "2022-12-11"), ("6.0", "2023-02-19")), "version 6.0 follows 6.1"),
        ((("6.0", "2022-10-02"), ("6.1", "2022-10-02")), "is not later than"),
        ((("6.0", "2022-10-02"), ("6.1", "2021-12-11")), "is not later than"),
        ((("6.0", "2022-10-02"), ("6.1", "2022-10-09")), "7 days, outside 42..120"),
        ((("6.0", "2022-10-02"), ("6.1", "2023-12-11")), "outside 42..120 (typo in a date?)"),
    ],
    ids=["version-order", "same-day", "earlier-day", "too-short", "too-long"],
)
def test_sanity_problems_catch_bad_tables(pairs, fragment):
    problems = rl.sanity_problems(_rel(*pairs))
    assert any(fragment in p for p in problems), problems


@given(
    start=st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 1, 1)),
    gaps=st.lists(st.integers(min_value=42, max_value=120), min_size=1, max_size=30),
)
def test_any_table_with_plausible_gaps_is_sane_and_round_trips(start, gaps):
    days = [start]
    for g in gaps:
        days.append(days[-1] + timedelta(days=g))
    table = [rl.Release(f"9.{i}", d) for i, d in enumerate(days)]
    assert rl.sanity_problems(table) == []
    assert [iv.days for iv in rl.intervals(table)] == gaps
    text = "version,date\n" + "".join(f"{r.version},{r.day.isoformat()}\n" for r in table)
    assert rl.parse_releases(text) == table
    assert 0.0 <= rl.share_in_band(gaps) <= 1.0


def test_plots_draw_without_error():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = rl.load_releases()
    ax = rl.plot_intervals(rl.intervals(data))
    assert len(ax.collections) >= 2  # the two scatter groups
    ax2 = rl.plot_cumulative(data)
    assert ax2.get_lines()[0].get_ydata()[-1] == len(data)
    plt.close("all")


# ---------------------------------------------------------------------------- UTC Mondays
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2019, 5, 6), date(2019, 5, 5), id="monday-utc-is-sunday"),
        pytest.param(date(2019, 3, 3), date(2019, 3, 3), id="sunday-stays"),
        pytest.param(date(2005, 6, 17), date(2005, 6, 17), id="friday-stays"),
    ],
)
def test_local_day(day, expected):
    assert rl.local_day(day) == expected


def test_local_intervals_read_a_late_sunday_as_sunday():
    table = [rl.Release("5.0", date(2019, 3, 3)), rl.Release("5.1", date(2019, 5, 6))]
    assert [iv.days for iv in rl.intervals(table)] == [64]
    assert rl.local_interval_days(table) == [63]


def test_since_5_0_every_interval_is_nine_or_ten_weeks_once_mondays_are_sundays(shipped):
    since = [r for r in shipped if r.key >= (5, 0)]
    utc = [iv.days for iv in rl.intervals(since)]
    local = rl.local_interval_days(since)
    assert sum(63 <= d <= 70 for d in utc) == 38
    assert all(63 <= d <= 70 for d in local) and len(local) == 42
