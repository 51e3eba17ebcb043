"""tests/files/grading-vectors.json through the Python core and through quiz.js in node: they must agree.

The file is a golden record (regenerate on purpose with ``python tests/frontend/make_vectors.py --write``).
Hypothesis then looks for disagreements the file does not list.
"""
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.core.grading import grade
from kcourse.core.loader import load_quiz
from kcourse.core.textnorm import normalise
from kcourse.core.variants import Mulberry32, make_variant, seed_for
from kcourse.views.pagedata import grading_form, page_data

from .make_vectors import ROOT, build_vectors, expected, render
from .static_support import BUILDS, VECTORS, Node

VEC = json.loads(VECTORS.read_text(encoding="utf-8"))
QUIZZES = {path: load_quiz(ROOT / path) for path in {g["quiz"] for g in VEC["grading"]}}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", params=BUILDS)
def node(request):
    n = Node(build=request.param)
    yield n
    n.close()


def test_vectors_file_is_current():
    assert render(build_vectors()) == VECTORS.read_text(encoding="utf-8"), (
        "tests/files/grading-vectors.json is out of date with the quizzes or the core: if the change is deliberate, "
        "run python tests/frontend/make_vectors.py --write and review the diff")


@pytest.mark.parametrize("group", VEC["grading"], ids=lambda g: g["question"]["id"])
def test_python_grades_as_recorded(group):
    q = QUIZZES[group["quiz"]].question(group["question"]["id"])
    assert grading_form(q) == group["question"]
    for case in group["cases"]:
        assert expected(q, grade(q, case["response"])) == case["expected"], case["response"]


def test_python_variants_and_seeds_as_recorded():
    for vq in VEC["variants"]:
        quiz = QUIZZES[vq["quiz"]]
        assert page_data(quiz, mode="practice") == vq["page"]
        for c in vq["cases"]:
            v = make_variant(quiz, c["seed"])
            assert (list(v.question_ids), {k: list(o) for k, o in v.orders.items()}) == (c["question_ids"], c["orders"])
    for c in VEC["seed_for"]:
        assert seed_for(c["quiz_id"], c["student_id"]) == c["seed"]
    for c in VEC["mulberry32"]:
        rng = Mulberry32(c["seed"])
        assert [rng.next_u32() for _ in c["u32"]] == c["u32"]
    for c in VEC["normalise"]:
        assert normalise(c["text"], case_sensitive=c["case_sensitive"]) == c["expected"]


def test_node_agrees_with_every_vector(node):
    mismatches = node.call("checkVectors", VEC)
    assert mismatches == [], json.dumps(mismatches[:10], ensure_ascii=False, indent=1)


def test_the_compacted_copy_a_page_carries_agrees_too(tmp_path):
    from kcourse.frontend.static_html import asset

    js = tmp_path / "quiz.compact.js"
    js.write_text(asset("quiz.js").replace("<\\/", "</"), encoding="utf-8")
    compact = Node(js)
    try:
        assert compact.call("checkVectors", VEC) == []
    finally:
        compact.close()


def test_vector_check_catches_a_wrong_case(node):
    broken = json.loads(json.dumps(VEC))
    broken["grading"][0]["cases"][0]["expected"]["score"] += 1
    broken["variants"][0]["cases"][0]["question_ids"].reverse()
    assert len(node.call("checkVectors", broken)) == 2


# -- looking for disagreements the file does not list ------------------------------------------------------------
WHITESPACE = [chr(c) for c in range(0x3100) if chr(c).isspace()] + ["\ufeff", "\u180e", "\u200b"]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cn", "Co")) | st.sampled_from(WHITESPACE), max_size=30)


@SETTINGS
@given(text=TEXT, cs=st.booleans())
def test_normalise_agrees(node, text, cs):
    assert node.call("normalise", text, cs) == normalise(text, case_sensitive=cs)


NUMBER_CHARS = list("0123456789+-.eE_ xinfaINFA,'%dysmto") + ["١", "٣", "１", "𝟗", "\u3000", "\x1c", "\ufeff", "–",
                                                               "\u202f", "\u00a0", "\u2212", "\n"]
NUMBER_TEXT = st.lists(st.sampled_from(NUMBER_CHARS + ["000", ",000", ".000", " days", " releases", " per year"]),
                       max_size=8).map("".join)


@SETTINGS
@given(r=NUMBER_TEXT | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-2**53, 2**53))
def test_numeric_reading_agrees(node, r):
    q = QUIZZES["tests/files/frontend/vectors-all-types.yml"].question("commits")
    want = expected(q, grade(q, r))
    got = node.call("grade", grading_form(q), r)
    assert {k: got[k] for k in want} == want


@SETTINGS
@given(text=NUMBER_TEXT, unit=st.sampled_from(["", "days", "ms", "%", "s", "releases per year"]))
def test_number_reading_with_units_agrees(node, text, unit):
    from kcourse.core.numbers import read_number

    want = read_number(text, unit)
    got = node.call("readNumber", text, unit)
    assert (got.get("value"), got.get("problem")) == (want.value, want.problem), text


def test_the_number_reading_table_reads_the_same_in_the_browser(node):
    from kcourse.core.numbers import read_number

    from ..test_numbers import CASES

    for text, unit, _, _ in CASES:
        want = read_number(text, unit)
        got = node.call("readNumber", text, unit)
        assert (got.get("value"), got.get("problem")) == (want.value, want.problem), (text, unit)


def test_every_unicode_decimal_digit_reads_as_python_does(node):
    digits = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd")
    got = node.call("toNumber", digits[:99])
    assert got == float(digits[:99])
    for k in range(0, len(digits), 10):
        chunk = digits[k:k + 10]
        assert node.call("toNumber", chunk) == float(chunk), chunk


@SETTINGS
@given(x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.fractions(0, 100, max_denominator=1024).map(float)
       | st.integers(-10**10, 10**10).map(lambda n: n / 1000),  # few decimals: the shortcut without BigInt
       nd=st.integers(0, 8))
def test_round_agrees(node, x, nd):
    assert node.call("pyRound", x, nd) == round(x, nd)


@SETTINGS
@given(x=st.floats(allow_nan=False, allow_infinity=False))
def test_repr_agrees(node, x):
    assert node.call("pyRepr", x) == repr(x)


PATTERNS = [r"\d+\.\d+(\.\d+)?", r"v\w{1,3}", r"\bx\b y", r"[A-Z]{2,}", r"io[_ -]?uring", r"a{,2}b", r"[^\s]+",
            r"\S+ \S+", r"[\w-]+", r"(ab|cd)*e?", r"x{}", r"\W+", r"[]a]+", r"\.\-\+", r"ß|ss", r"[é-ü]+", r"\D\B\w"]


@SETTINGS
@given(texts=st.lists(st.text(st.sampled_from(list("abxyvAB019 ._-éüßSs٣") + ["\u00a0", "\u3000", "ſ", "K"]),
                              max_size=8), min_size=1, max_size=20),
       cs=st.booleans())
def test_text_patterns_agree(node, texts, cs):
    """The browser's matcher agrees with the Python core's (kcourse.core.saferegex), the one rule set; how
    that one compares with Python's ``re`` is tests/test_saferegex.py's business."""
    from kcourse.core import saferegex

    for pattern in PATTERNS:
        want = [saferegex.fullmatch(pattern, t, ignore_case=not cs) for t in texts]
        assert node.call("fullmatch", pattern, cs, texts) == want, pattern


def _responses(q):
    from .make_vectors import responses

    return st.sampled_from(responses(q))


QUESTIONS = [q for quiz in QUIZZES.values() for q in quiz.all_questions]


@SETTINGS
@given(data=st.data())
def test_grading_agrees_on_mixed_responses(node, data):
    q = data.draw(st.sampled_from(QUESTIONS))
    ids = sorted({getattr(x, "id", "") for x in getattr(q, "options", ()) + getattr(q, "items", ())
                  + getattr(q, "pairs", ()) + getattr(q, "distractors", ())} | {"zz"})
    r = data.draw(st.one_of(
        _responses(q),
        st.lists(st.sampled_from(ids), max_size=6),
        st.dictionaries(st.sampled_from(ids), st.sampled_from(ids), max_size=5),
        st.sampled_from(ids), st.booleans(), st.text(max_size=12), st.none(),
    ))
    want = expected(q, grade(q, r))
    got = node.call("grade", grading_form(q), r)
    assert {k: got[k] for k in want} == want, r


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), which=st.sampled_from(sorted(QUIZZES)))
def test_variants_agree(node, seed, which):
    quiz = QUIZZES[which]
    v = make_variant(quiz, seed)
    got = node.call("variant", page_data(quiz), seed)
    assert got == {"question_ids": list(v.question_ids), "orders": {k: list(o) for k, o in v.orders.items()}}


@SETTINGS
@given(quiz_id=st.text(max_size=10), student=st.text(st.characters(blacklist_categories=("Cs",)), max_size=10))
def test_seed_for_agrees(node, quiz_id, student):
    assert node.call("seedFor", quiz_id, student) == seed_for(quiz_id, student)


def test_grade_all_agrees_with_grade_responses(node):
    from kcourse.core.grading import correct_response, grade_responses

    quiz = QUIZZES["tests/files/frontend/vectors-all-types.yml"]
    v = make_variant(quiz, 5)
    responses = {qid: correct_response(quiz.question(qid)) for qid in v.question_ids[::2]}
    responses["building-blocks"] = ["ns", "hv"]
    want = grade_responses(quiz, v.question_ids, responses)
    got = node.call("gradeAll", [grading_form(quiz.question(q)) for q in v.question_ids], responses, quiz.pass_mark)
    assert (got["total"], got["max_score"], got["percentage"], got["passed"]) == (
        want.total, want.max_score, want.percentage, want.passed)


def _course_quizzes():
    from kcourse.core.errors import QuizFileError

    out = []
    paths = sorted((ROOT / "quizzes").glob("*.yml")) + sorted((ROOT / "tests" / "files" / "quiz").glob("valid-*.yml"))
    for path in paths:
        try:
            out.append(load_quiz(path))
        except QuizFileError:  # a quiz being written; `kcourse validate` reports it
            continue
    return out


@pytest.mark.parametrize("quiz", _course_quizzes(), ids=lambda q: q.id)
def test_every_course_quiz_grades_alike_in_the_browser_grader(node, quiz):
    from .make_vectors import responses

    for q in quiz.all_questions:
        form = grading_form(q)
        for r in responses(q)[:12]:
            want = expected(q, grade(q, r))
            got = node.call("grade", form, r)
            assert {k: got[k] for k in want} == want, (q.id, r)
