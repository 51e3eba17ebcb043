"""The learner's view (kcourse.core.public): every question of the variant, in the variant's order, and
nothing of the key; the key-less file and the assessment page are made from it."""
from kcourse.core.public import public_view
from kcourse.core.variants import make_variant
from kcourse.views.keyless import keyless_data


def test_the_view_follows_the_variant_and_holds_no_key(all_types_quiz):
    quiz = all_types_quiz
    for seed in (1, 7, 2020):
        variant = make_variant(quiz, seed)
        view = public_view(quiz, variant)
        assert [pq.id for pq in view] == list(variant.question_ids)
        for pq in view:
            q = quiz.question(pq.id)
            shown = [x.id for x in pq.options + pq.items + pq.choices]
            assert tuple(shown) == variant.orders.get(pq.id, ()), pq.id
            secrets = [q.explanation, *[getattr(o, "feedback", "") for o in getattr(q, "options", ())],
                       getattr(q, "feedback_true", ""), getattr(q, "feedback_false", ""), *q.hints]
            text = repr(pq)
            assert not [s for s in secrets if s and s in text], pq.id
            assert "correct" not in text and "accepted" not in text


def test_the_keyless_file_is_the_view_as_data(all_types_quiz):
    doc = keyless_data(all_types_quiz, 7)
    view = public_view(all_types_quiz, make_variant(all_types_quiz, 7))
    assert [d["id"] for d in doc["questions"]] == [pq.id for pq in view]
    for d, pq in zip(doc["questions"], view):
        assert [o["id"] for o in d.get("options", [])] == [o.id for o in pq.options]
        assert [c["id"] for c in d.get("choices", [])] == [c.id for c in pq.choices]
