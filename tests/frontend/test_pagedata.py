"""Page data: practice pages carry the key only packed; assessment pages carry no key at all."""
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcourse.core import model as m
from kcourse.core.loader import load_quiz, load_quiz_text
from kcourse.core.variants import make_variant, seed_for
from kcourse.views.pagedata import grading_form, pack, page_data, to_script_json, unpack

FILES = Path(__file__).resolve().parents[1] / "files"


@pytest.fixture(scope="module")
def quiz():
    return load_quiz(FILES / "quiz" / "valid-all-types.yml")


def secrets(q: m.Question) -> list[str]:
    """Texts that tell or grade the answer of ``q`` (they must not be readable in a page)."""
    out = [q.explanation]
    if isinstance(q, (m.SingleChoice, m.MultipleSelect)):
        out += [o.feedback for o in q.options if o.feedback]
    if isinstance(q, m.TrueFalse):
        out += [f for f in (q.feedback_true, q.feedback_false) if f]
    if isinstance(q, m.ShortText):
        out += list(q.accept) + ([q.pattern] if q.pattern else [])
    return [s for s in out if len(s) >= 4]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4), max_leaves=12)


@given(value=JSON_VALUES, quiz_id=st.text(min_size=1, max_size=20), qid=st.text(min_size=1, max_size=20))
def test_pack_round_trip(value, quiz_id, qid):
    assert unpack(quiz_id, qid, pack(quiz_id, qid, value)) == value


def test_pack_depends_on_quiz_and_question_and_hides_the_text():
    value = {"correct": ["a"], "explanation_html": "<p>2.6.39</p>"}
    a, b, c = pack("q1", "x", value), pack("q1", "y", value), pack("q2", "x", value)
    assert len({a, b, c}) == 3
    for packed in (a, b, c):
        assert "correct" not in packed and "2.6.39" not in packed


def test_practice_page_holds_every_question_with_the_key_packed(quiz):
    data = page_data(quiz)
    assert data["quiz"]["mode"] == "practice" and data["seed"] is None
    assert [q["id"] for q in data["questions"]] == [q.id for q in quiz.all_questions]
    text = json.dumps(data, ensure_ascii=False)
    assert '"correct": true' not in text and '"correct":true' not in text
    for q in quiz.all_questions:
        for s in secrets(q):
            assert s not in text, f"{q.id}: {s!r} is readable in the page data"
    # the packed key unpacks to exactly what the grader needs
    for pub, q in zip(data["questions"], quiz.all_questions):
        key = unpack(quiz.id, q.id, pub["key"])
        assert key["explanation_html"] == grading_form(q)["explanation_html"]
        if isinstance(q, m.SingleChoice):
            assert key["correct"] == [q.correct_id]
        if isinstance(q, m.Ordering):
            assert key["order"] == [i.id for i in q.items]
        if isinstance(q, m.Matching):  # the public order of the choices does not follow the pairs
            assert [pub["rights"][i]["id"] for i in key["natural"]] == [c.id for c in q.right_choices]
            assert key["answer"] == q.answer_of


def test_practice_order_of_items_does_not_give_the_answer():
    items = "".join(f"\n      - {{id: {c}, text: 'step {c}'}}" for c in "abcdef")
    q = load_quiz_text(f"""schema_version: 1
id: order-leak
title: t
chapter: 1
questions:
  - id: steps
    type: ordering
    prompt: p
    explanation: e
    items:{items}
""")
    listed = [i["id"] for i in page_data(q)["questions"][0]["items"]]
    assert sorted(listed) == list("abcdef") and listed != list("abcdef")


def test_practice_seed_from_student_id(quiz):
    assert page_data(quiz, student_id=" s1 ")["seed"] == seed_for(quiz.id, "s1")
    assert page_data(quiz, student_id="s1")["student_id"] == "s1"
    assert page_data(quiz, seed=7, student_id="s1")["seed"] == 7


ASSESSMENT_KEYS = {"id", "type", "points", "prompt_html", "prompt_inline", "hints_html", "options", "unit", "items",
                   "pairs", "rights", "key"}


@pytest.mark.parametrize("how", [{"mode": "assessment"}, {"mode": "assessment", "student_id": "s-42"},
                                 {"mode": "assessment", "seed": 99}], ids=["no-seed", "student", "seed"])
def test_assessment_page_holds_only_the_variant_and_no_key(quiz, how):
    data = page_data(quiz, **how)
    seed = how.get("seed", seed_for(quiz.id, how.get("student_id", "")))
    variant = make_variant(quiz, seed)
    assert data["seed"] == seed and data["quiz"]["mode"] == "assessment"
    assert "variant_rules" not in data
    assert [q["id"] for q in data["questions"]] == list(variant.question_ids)
    text = json.dumps(data, ensure_ascii=False)
    for q in quiz.all_questions:
        for s in secrets(q):
            assert s not in text
    for pub in data["questions"]:
        assert set(pub) <= ASSESSMENT_KEYS, set(pub) - ASSESSMENT_KEYS
        assert pub["hints_html"] == []  # hints can give answers away: none in assessment mode
        for o in pub.get("options", []):
            assert set(o) == {"id", "html"}
        shown = [x["id"] for x in pub.get("options", pub.get("items", []))]
        if shown:
            assert tuple(shown) == variant.orders[pub["id"]]
        if pub["type"] == "ordering":
            assert shown != [i.id for i in quiz.question(pub["id"]).items]
        assert "key" not in pub
        if pub["type"] == "matching":  # choice ids in display order; none is a pair id
            q = quiz.question(pub["id"])
            assert tuple(r["id"] for r in pub["rights"]) == variant.orders[pub["id"]]
            assert not {p.id for p in q.pairs} & {r["id"] for r in pub["rights"]}


def test_assessment_quiz_mode_is_the_default_mode(quiz):
    from dataclasses import replace

    data = page_data(replace(quiz, mode="assessment"))
    assert data["quiz"]["mode"] == "assessment" and "key" not in data["questions"][0]
    assert page_data(replace(quiz, mode="assessment"), mode="practice")["quiz"]["mode"] == "practice"


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "exam"}, "mode must be one of practice, assessment"),
    ({"seed": -1}, "seed must be a whole number"),
    ({"seed": 2**32}, "seed must be a whole number"),
    ({"seed": True}, "seed must be a whole number"),
], ids=["bad-mode", "negative-seed", "big-seed", "bool-seed"])
def test_bad_arguments(quiz, kwargs, message):
    with pytest.raises(ValueError, match=message):
        page_data(quiz, **kwargs)


def test_script_json_cannot_end_the_script_element():
    data = {"t": "</script><script>alert(1)</script><!-- & -->"}
    text = to_script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data
