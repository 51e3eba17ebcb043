"""Item statistics: checked against a small class computed by hand; flags; the report escapes everything."""
from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.instructor.analysis import analyse
from kcourse.instructor.grade import grade_run
from kcourse.instructor.report import html_report, terminal_table
from kcourse.instructor.stats import Observation, QuizStats, flags_for, pearson, quiz_statistics, score_counts

from .conftest import submission_json

# Five students, five one-point questions. q4 everybody gets right, q5 nobody:
#
#   student  q1 q2 q3 q4 q5  total
#   s1        1  1  1  1  0    4
#   s2        1  1  0  1  0    3
#   s3        1  0  1  1  0    3
#   s4        1  0  0  1  0    2
#   s5        0  0  1  1  0    2
CLASS = {"s1": (1, 1, 1), "s2": (1, 1, 0), "s3": (1, 0, 1), "s4": (1, 0, 0), "s5": (0, 0, 1)}
# Facility = mean score / maximum: q1 4/5 = 0.8, q2 2/5 = 0.4, q3 3/5 = 0.6, q4 1.0, q5 0.0.
#
# Discrimination = Pearson r of the item score x with the rest of the test y = total - x.
# q1: x = [1, 1, 1, 1, 0], y = [3, 2, 2, 1, 2]; mean x = 0.8, mean y = 2.
#     dx = [.2, .2, .2, .2, -.8], dy = [1, 0, 0, -1, 0]; sum dx*dy = .2 - .2 = 0            -> r = 0
# q2: x = [1, 1, 0, 0, 0], y = [3, 2, 3, 2, 2]; mean x = 0.4, mean y = 2.4.
#     dx = [.6, .6, -.4, -.4, -.4], dy = [.6, -.4, .6, -.4, -.4]
#     sum dx*dy = .36 - .24 - .24 + .16 + .16 = 0.2; sum dx^2 = 1.2; sum dy^2 = 1.2      -> r = 0.2 / 1.2 = 1/6
# q3: x = [1, 0, 1, 0, 1], y = [3, 3, 2, 2, 1]; mean x = 0.6, mean y = 2.2.
#     dx = [.4, -.6, .4, -.6, .4], dy = [.8, .8, -.2, -.2, -1.2]
#     sum dx*dy = .32 - .48 - .08 + .12 - .48 = -0.6; sum dx^2 = 1.2; sum dy^2 = 2.8
#                                                                     -> r = -0.6 / sqrt(1.2 * 2.8) = -0.32733
# q4, q5: no spread in x                                                                  -> r undefined
HAND = {"q1": (0.8, 0.0), "q2": (0.4, 1 / 6), "q3": (0.6, -0.6 / math.sqrt(1.2 * 2.8)),
        "q4": (1.0, None), "q5": (0.0, None)}
# q2: 3 students chose the wrong option b, 2 the right a: the distractor beats the key.
FLAGS = {"q1": (), "q2": ("distractor beats the key (b)",), "q3": ("negative discrimination",),
         "q4": ("too easy",), "q5": ("too hard",)}
# KR-20 over the 5 right/wrong questions: item variances p(1-p) = .16 + .24 + .24 + 0 + 0 = .64; totals
# [4, 3, 3, 2, 2] have mean 2.8 and population variance 2.8 / 5 = .56: 5/4 * (1 - .64/.56) = -0.178571...
KR20 = 5 / 4 * (1 - 0.64 / 0.56)


def responses(scores: tuple[int, int, int]) -> dict:
    r = {f"q{k + 1}": ("a" if s else "b") for k, s in enumerate(scores)}
    return {**r, "q4": True, "q5": "a wrong answer"}


@pytest.fixture
def graded(gradebook_address, five, tmp_path):
    for sid, scores in CLASS.items():
        (tmp_path / f"{sid}.json").write_text(submission_json(five, sid, responses=responses(scores)))
    report = grade_run(quiz=five, inputs=[str(tmp_path)], gradebook=gradebook_address)
    assert report.ok and len(report.graded) == 5
    return gradebook_address


def test_statistics_match_the_hand_computation(five, graded):
    a = analyse(quiz=five, gradebook=graded, plots=False)
    stats = {i.question_id: i for i in a.stats.items}
    assert list(stats) == ["q1", "q2", "q3", "q4", "q5"]
    for qid, (facility, discrimination) in HAND.items():
        item = stats[qid]
        assert item.n == 5 and item.facility == pytest.approx(facility)
        if discrimination is None:
            assert item.discrimination is None
        else:
            assert item.discrimination == pytest.approx(discrimination)
        assert item.flags == FLAGS[qid]
    assert [(c.key, c.count, c.correct) for c in stats["q1"].choices] == [("a", 4, True), ("b", 1, False),
                                                                         ("", 0, None)]
    assert [(c.key, c.count, c.correct) for c in stats["q4"].choices] == [("true", 5, True), ("false", 0, False),
                                                                         ("", 0, None)]
    assert [(c.label, c.count, c.correct) for c in stats["q5"].choices] == [("a wrong answer", 5, False),
                                                                           ("(no answer)", 0, None)]
    assert a.stats.score_counts == ((40, 2), (60, 2), (80, 1))
    assert a.stats.mean_percentage == pytest.approx(56)
    assert a.stats.reliability_name == "KR-20" and a.stats.reliability == pytest.approx(KR20)
    assert a.stats.reliability_items == 5 and "reliability (KR-20, over the 5 questions" in a.table


def test_partial_credit_is_not_called_easy_and_alpha_is_named(quiz):
    """Everyone partly right on a multiple-select question: facility 0.95, but nobody has full marks."""
    obs = [{"building-blocks": Observation(0.95 - 0.05 * (k % 2), 1.0, ["ns", "cg"]),
            "kvm-in-tree": Observation(float(k % 2), 1.0, bool(k % 2))} for k in range(10)]
    stats = quiz_statistics(quiz, obs)
    item = next(i for i in stats.items if i.question_id == "building-blocks")
    assert item.facility == pytest.approx(0.925) and item.full_marks == 0 and item.partial_credit
    assert "too easy" not in item.flags
    assert stats.reliability_name == "Cronbach's α" and stats.reliability_items == 2
    # by hand: item variances .000625 and .25; totals k odd 1.9, even .95: variance .225625
    assert stats.reliability == pytest.approx(2 * (1 - (0.000625 + 0.25) / 0.225625))


def test_terminal_table(five, graded):
    table = analyse(quiz=five, gradebook=graded, plots=False).table
    assert re.search(r"^q3 +single +5 +0\.60 +0\.60 +-0\.33  negative discrimination$", table, re.M), table
    assert re.search(r"^q4 +true_false +5 +1\.00 +1\.00 +–  too easy$", table, re.M)
    assert re.search(r"^q5 +text +5 +0\.00 +0\.00 +–  too hard$", table, re.M)
    assert "too easy when the share with full marks > 0.9 (a partly right answer is not easy); too hard when facility < 0.2" in table
    assert "q1: ✓ right one: 4 · wrong one: 1" in table


@pytest.mark.parametrize("facility,discrimination,flags", [
    (0.9, 0.5, ()), (0.9001, 0.5, ("too easy",)), (0.2, 0.5, ()), (0.1999, 0.5, ("too hard",)),
    (0.5, 0.0, ()), (0.5, -0.01, ("negative discrimination",)), (None, None, ()),
    (0.95, -0.2, ("too easy", "negative discrimination")),
], ids=["easy-edge", "easy", "hard-edge", "hard", "zero-r", "negative", "undefined", "two-flags"])
def test_flag_thresholds(facility, discrimination, flags):
    assert flags_for(facility, discrimination) == flags


def test_pearson_small_cases():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert pearson([1, 1, 1], [1, 2, 3]) is None and pearson([1], [2]) is None


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=2, max_size=30),
       st.floats(0.1, 10), st.floats(-100, 100))
def test_pearson_is_bounded_symmetric_and_scale_free(pairs, scale, shift):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    r = pearson(xs, ys)
    if r is None:
        return
    assert -1 <= r <= 1
    assert pearson(ys, xs) == pytest.approx(r, abs=1e-9)
    r2 = pearson([x * scale + shift for x in xs], ys)
    if r2 is not None and min(max(xs) - min(xs), max(ys) - min(ys)) > 1e-3:
        assert r2 == pytest.approx(r, abs=1e-6)


def test_pool_questions_count_only_students_asked(quiz):
    attempts = [{"bkl-removed": Observation(2, 2, "a"), "first-fosdem": Observation(1, 1, 2001)},
                {"bkl-removed": Observation(0, 2, "b"), "first-fosdem-kernel": Observation(0, 1, "b")}]
    stats = {i.question_id: i for i in quiz_statistics(quiz, attempts).items}
    assert (stats["first-fosdem"].n, stats["first-fosdem-kernel"].n, stats["bkl-removed"].n) == (1, 1, 2)
    assert stats["commits"].n == 0 and stats["commits"].facility is None
    assert [(c.label, c.count, c.correct) for c in stats["first-fosdem"].choices][0] == ("2001", 1, True)


def test_the_report_is_self_contained_and_escapes_student_text(gradebook_address, quiz, tmp_path):
    evil = "<script>alert(1)</script>"
    for sid in ("s1", "s2", "s3"):
        (tmp_path / f"{sid}.json").write_text(submission_json(quiz, sid, responses={"async-io": evil,
                                                                                    "bkl-removed": "a"}))
    grade_run(quiz=quiz, inputs=[str(tmp_path)], gradebook=gradebook_address)
    out = tmp_path / "report.html"
    a = analyse(quiz=quiz, gradebook=gradebook_address, html_out=out)
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("src='data:image/png;base64,") >= 3
    assert not re.search(r"(src|href)=['\"](https?:|//)", page)
    assert "\x1b" not in terminal_table(a.stats)


def test_terminal_output_shows_control_characters_escaped(quiz):
    attempts = [{"async-io": Observation(0, 1, "\x1b[31mred\x1b[0m")}]
    table = terminal_table(quiz_statistics(quiz, attempts))
    assert "\x1b" not in table and "\\x1b[31mred" in table


def test_report_with_no_students_has_no_plots(quiz):
    page = html_report(quiz_statistics(quiz, []), title="<b>T</b>")
    assert "<b>T</b>" not in page and "&lt;b&gt;T&lt;/b&gt;" in page and "data:image/png" not in page


def test_the_score_histogram_counts_whole_students(monkeypatch):
    """Five students drew a y axis of 0, 0.5, 1.0, 1.5, 2.0 students."""
    from kcourse.instructor import report

    figures = []
    monkeypatch.setattr(report, "_png", lambda fig: figures.append(fig) or "")
    report.plot_scores(score_counts(Counter([35.0, 55.0, 62.0, 65.0, 95.0])))
    ticks = figures[0].axes[0].get_yticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


@pytest.mark.parametrize("percentages", [
    [],
    [100.0],
    [0.0, 0.0, 100.0],
    [33.33, 66.67, 33.33, 10.0, 99.99, 0.01],
    [0.1] * 10 + [0.2] * 7 + [0.3] * 3,  # sums that plain addition gets wrong
    [round(k * 100 / 997, 2) for k in range(998)] * 3,
])
def test_score_counts_give_the_mean_and_histogram_of_every_percentage(percentages, monkeypatch):
    """The statistics keep how many students have each percentage, not every student's: the mean is the one the
    list of percentages gives (their exact sum, correctly rounded), and the histogram is the same picture."""
    from matplotlib.figure import Figure

    from kcourse.instructor import report

    stats = QuizStats("q", len(percentages), score_counts(Counter(percentages)), ())
    assert sum(c for _p, c in stats.score_counts) == len(percentages)
    assert [p for p, _c in stats.score_counts] == sorted(set(percentages))
    assert stats.mean_percentage == (math.fsum(percentages) / len(percentages) if percentages else None)
    if percentages:
        fig = Figure(figsize=(6, 2.6))
        ax = fig.add_subplot()
        counts = [int(h) for h in ax.hist(percentages, bins=[k * 10 for k in range(11)])[0]]
        figures: list = []
        monkeypatch.setattr(report, "_png", lambda f: figures.append(f) or "")
        report.plot_scores(stats.score_counts)
        assert [int(p.get_height()) for p in figures[0].axes[0].patches] == counts
