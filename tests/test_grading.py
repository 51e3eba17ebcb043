"""Grading, table by table: right, partial, wrong, empty and malformed responses for every type."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcourse.core.grading import Status, correct_response, grade, grade_responses
from kcourse.core.ids import choice_id
from kcourse.qtypes import Matching

CASES = [
    # question id, response, score, status, feedback fragment (or None)
    ("bkl-removed", "a", 2, "correct", "Right."),
    ("bkl-removed", "b", 0, "incorrect", "~500 `lock_kernel()` calls"),
    ("bkl-removed", None, 0, "unanswered", None),
    ("bkl-removed", "", 0, "unanswered", None),
    ("bkl-removed", "z", 0, "incorrect", "expected one option id of a, b, c"),
    ("bkl-removed", ["a"], 0, "incorrect", "could not be read"),
    ("building-blocks", ["ns", "cg", "sc"], 1, "correct", None),
    ("building-blocks", ["ns", "cg"], 2 / 3, "partial", "You missed 1 right option."),
    ("building-blocks", ["ns", "hv"], 0, "incorrect", "Containers are not lightweight VMs."),
    ("building-blocks", ["ns", "cg", "hv"], 1 / 3, "partial", None),
    ("building-blocks", ["ns", "cg", "sc", "hv"], 2 / 3, "partial", None),
    ("building-blocks", [], 0, "unanswered", None),
    ("building-blocks", ["ns", "ns"], 0, "incorrect", "different option ids"),
    ("building-blocks", "ns", 0, "incorrect", "could not be read"),
    ("kvm-in-tree", True, 1, "correct", None),
    ("kvm-in-tree", False, 0, "incorrect", "merged quickly because it was small"),
    ("kvm-in-tree", "true", 0, "incorrect", "expected true or false"),
    ("kvm-in-tree", 1, 0, "incorrect", "expected true or false"),
    ("commits", 13500, 1, "correct", None),
    ("commits", 12500, 1, "correct", None),  # the ends of an absolute tolerance are included
    ("commits", 14500.0, 1, "correct", None),
    ("commits", 14500.01, 0, "incorrect", "is too high"),
    ("commits", 12000, 0, "incorrect", "is too low"),
    ("commits", " 13600 ", 1, "correct", None),
    ("commits", "13.500", 0, "unanswered", "could mean 13500 (with a thousands separator) or 13.5"),  # asked back
    ("commits", "lots", 0, "unanswered", "This is not a number: write a number such as"),
    ("commits", True, 0, "incorrect", "expected a number"),
    ("commits", float("nan"), 0, "incorrect", "expected a number"),
    ("commits", "1_3500", 0, "unanswered", "This is not a number"),
    ("commits", "13,500", 1, "correct", None),
    ("commits", "13 500", 1, "correct", None),
    ("commits", "13.500,0", 1, "correct", None),
    ("commits", "5-6", 0, "unanswered", "Give one number, not a range."),
    ("commits", 10**400, 0, "incorrect", "expected a number"),
    ("commits", "1e400", 0, "unanswered", "too large"),
    ("weeks", 9, 1, "correct", None),
    ("weeks", 10, 1, "correct", None),
    ("weeks", 8.99, 0, "incorrect", "too low"),
    ("async-io", "io_uring", 1, "correct", None),
    ("async-io", "  IO_URING ", 1, "correct", None),
    ("async-io", "io  uring", 1, "correct", None),
    ("async-io", "io-uring", 1, "correct", None),  # via the pattern
    ("async-io", "ｉｏ＿ｕｒｉｎｇ", 1, "correct", None),  # full-width letters: NFKC
    ("async-io", "aio", 0, "incorrect", None),
    ("async-io", "xio_uringx", 0, "incorrect", None),  # the pattern must match the whole answer
    ("async-io", "   ", 0, "unanswered", None),
    ("async-io", 42, 0, "incorrect", "expected text"),
    ("timeline", ["smp", "l26", "kvm", "bkl"], 1, "correct", None),
    ("timeline", ["l26", "smp", "kvm", "bkl"], 5 / 6, "partial", None),
    ("timeline", ["bkl", "kvm", "l26", "smp"], 0, "incorrect", None),
    ("timeline", ["smp", "l26", "kvm"], 0, "incorrect", "every item id exactly once"),
    ("timeline", ["smp", "l26", "kvm", "kvm"], 0, "incorrect", "every item id exactly once"),
    ("timeline", {"smp": 1}, 0, "incorrect", "could not be read"),
    ("match-blocks", {"ns": "ns", "cg": "cg", "sc": "sc"}, 1, "correct", None),
    ("match-blocks", {"ns": "ns", "cg": "vm", "sc": "sc"}, 2 / 3, "partial", None),
    ("match-blocks", {"ns": "ns"}, 1 / 3, "partial", None),
    ("match-blocks", {"ns": "cg", "cg": "ns"}, 0, "incorrect", None),
    ("match-blocks", {"xx": "ns"}, 0, "incorrect", "a mapping from pair ids"),
    ("match-blocks", {}, 0, "unanswered", None),
    ("match-blocks", ["ns"], 0, "incorrect", "could not be read"),
    ("match-blocks", {"ns": "cns"}, 0, "incorrect", "to right-hand choice ids"),
]


def test_matching_responses_name_choices_by_a_hash_of_their_text_never_by_pair(all_types_quiz):
    q = all_types_quiz.question("match-blocks")
    assert q.answer_of == {p.id: choice_id(p.right) for p in q.pairs}
    assert choice_id("  What a process CAN see ") == choice_id("what a process can see")  # normalised text
    assert not {p.id for p in q.pairs} & {c.id for c in q.right_choices}
    assert grade(q, {p.id: p.id for p in q.pairs}).status is Status.INCORRECT  # pair ids are not choices


def choices(q, response):
    """Matching rows name a right-hand side by its pair (or distractor) id; responses use choice ids."""
    if not isinstance(q, Matching) or not isinstance(response, dict):
        return response
    ids = dict(q.answer_of) | {d.id: choice_id(d.text) for d in q.distractors}
    return {k: ids.get(v, v) for k, v in response.items()}


@pytest.mark.parametrize("qid, response, fraction, status, feedback", CASES,
                         ids=[f"{c[0]}-{i}-{c[3]}" for i, c in enumerate(CASES)])
def test_grade_table(all_types_quiz, qid, response, fraction, status, feedback):
    q = all_types_quiz.question(qid)
    r = grade(q, choices(q, response))
    expected = round(fraction * q.points, 6) if qid != "bkl-removed" else fraction
    assert math.isclose(r.score, expected, abs_tol=1e-6)
    assert r.status == Status(status)
    assert r.max_score == q.points
    assert r.explanation == q.explanation
    if feedback is not None:
        assert any(feedback in f for f in r.feedback), r.feedback


@pytest.mark.parametrize("case, interval, inside, outside", [
    ("both-ends", dict(min=9, max=10), [9, 9.5, 10], [8.999, 10.001]),
    ("open-low", dict(min=9, max=10, min_inclusive=False), [9.0001, 10], [9]),
    ("open-high", dict(min=9, max=10, max_inclusive=False), [9, 9.9999], [10]),
    ("open-both", dict(min=9, max=10, min_inclusive=False, max_inclusive=False), [9.5], [9, 10]),
], ids=lambda x: x if isinstance(x, str) else "")
def test_numeric_range_ends(case, interval, inside, outside):
    from kcourse.core.loader import load_quiz_text

    flow = ", ".join(f"{k}: {str(v).lower()}" for k, v in interval.items())
    quiz = load_quiz_text("schema_version: 1\nid: t\ntitle: T\nchapter: 1\nquestions:\n"
                          f"- {{id: q, type: numeric, prompt: P, explanation: E, range: {{{flow}}}}}\n")
    q = quiz.question("q")
    for x in inside:
        assert grade(q, x).status is Status.CORRECT, (x, q.accepted.describe())
    for x in outside:
        assert grade(q, x).status is Status.INCORRECT, (x, q.accepted.describe())


def test_interval_describe_states_included_ends():
    from kcourse.core.model import Interval

    assert Interval(low=9, high=10).describe() == "9 <= x <= 10"
    assert Interval(low=9, high=10, low_inclusive=False).describe() == "9 < x <= 10"
    assert Interval(low=12500, high=14500).describe() == "12,500 <= x <= 14,500"
    assert Interval(low=300000, high=300000).describe() == "x = 300,000", "one exact number reads as one"


def test_relative_tolerance():
    from kcourse.core.loader import load_quiz_text

    quiz = load_quiz_text("schema_version: 1\nid: t\ntitle: T\nchapter: 1\nquestions:\n"
                          "- {id: q, type: numeric, prompt: P, explanation: E, answer: 650000, "
                          "tolerance: {relative: 0.1}}\n")
    q = quiz.question("q")
    assert [grade(q, x).status.value for x in (585000, 715000, 584999, 715001)] == \
        ["correct", "correct", "incorrect", "incorrect"]


def test_correct_response_earns_full_points(all_types_quiz):
    for q in all_types_quiz.all_questions:
        assert grade(q, correct_response(q)).status is Status.CORRECT, q.id


def test_quiz_result_totals(all_types_quiz):
    ids = ["bkl-removed", "building-blocks", "weeks"]
    result = grade_responses(all_types_quiz, ids, {"bkl-removed": "a", "building-blocks": ["ns"], "weeks": 99})
    assert result.total == round(2 + 1 / 3, 6)
    assert result.max_score == 4
    assert result.percentage == 58.33
    assert result.passed  # pass mark 50
    assert [r.status.value for r in result.results] == ["correct", "partial", "incorrect"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_grading_never_raises_and_stays_in_bounds(all_types_quiz, data):
    q = data.draw(st.sampled_from(all_types_quiz.all_questions))
    ids = [o.id for o in getattr(q, "options", ())] + [i.id for i in getattr(q, "items", ())] + \
        [p.id for p in getattr(q, "pairs", ())] + ["vm"]
    plausible = (st.sampled_from(ids) if ids else st.text()) | st.lists(st.sampled_from(ids or ["x"]), max_size=6) \
        | st.dictionaries(st.sampled_from(ids or ["x"]), st.sampled_from(ids or ["x"]), max_size=4)
    response = data.draw(json_values | plausible)
    r = grade(q, response)
    assert 0 <= r.score <= q.points
    assert r.status in Status
    assert (r.status is Status.CORRECT) == (r.score == q.points)


@settings(max_examples=200, deadline=None)
@given(perm=st.permutations(["smp", "l26", "kvm", "bkl"]))
def test_ordering_credit_is_the_share_of_pairs_in_order(all_types_quiz, perm):
    q = all_types_quiz.question("timeline")
    order = ["smp", "l26", "kvm", "bkl"]
    good = sum(1 for a in range(4) for b in range(a + 1, 4) if perm.index(order[a]) < perm.index(order[b]))
    assert math.isclose(grade(q, perm).score, round(good / 6, 6))
