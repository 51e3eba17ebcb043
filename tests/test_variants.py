"""Variants are the same on every machine, Python version and browser: pinned values, and properties."""
from hypothesis import given, settings
from hypothesis import strategies as st

from kcourse.core.variants import Mulberry32, fnv1a32, make_variant, seed_for, shuffled, variant_question_ids


def test_fnv1a32_reference_values():
    # published FNV-1a 32-bit test vectors
    assert fnv1a32("") == 0x811C9DC5
    assert fnv1a32("a") == 0xE40C292C
    assert fnv1a32("foobar") == 0xBF9CF968


def test_mulberry32_matches_the_javascript_reference():
    # values printed by the reference JavaScript implementation (node) for seed 12345
    rng = Mulberry32(12345)
    assert [rng.next_u32() for _ in range(4)] == [4207900869, 1317490944, 2079646450, 3513001552]


def test_seed_for_is_pinned():
    assert seed_for("valid-all-types", "s1") == 2812765023
    assert seed_for("valid-all-types", "s1") != seed_for("valid-all-types", "s2")
    assert seed_for("a", "bc") != seed_for("ab", "c")  # the separator keeps ids apart


def test_variant_is_pinned(all_types_quiz):
    v = make_variant(all_types_quiz, 2812765023)
    assert v.question_ids[-1] == "first-fosdem"
    assert v.orders["bkl-removed"] == ("a", "c", "b")
    assert v.orders["timeline"] == ("smp", "l26", "bkl", "kvm")
    texts = {c.id: c.text for c in all_types_quiz.question("match-blocks").right_choices}
    assert [texts[i] for i in v.orders["match-blocks"]] == [
        "how much it may use", "what a process can see", "which hardware it emulates", "which system calls it may make"]


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_variant_is_a_valid_arrangement(all_types_quiz, seed):
    q = all_types_quiz
    v = make_variant(q, seed)
    assert v == make_variant(q, seed)
    assert len(v.question_ids) == q.variant_size == len(set(v.question_ids))
    assert v.question_ids[: len(q.questions)] == tuple(x.id for x in q.questions)  # shuffle_questions is off
    assert sorted(v.orders["bkl-removed"]) == ["a", "b", "c"]
    assert v.orders["timeline"] != ("smp", "l26", "kvm", "bkl")  # never shown already solved
    assert sorted(v.orders["match-blocks"]) == sorted(c.id for c in q.question("match-blocks").right_choices)


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.integers(), max_size=30), seed=st.integers(0, 2**32 - 1))
def test_shuffled_is_a_permutation(items, seed):
    assert sorted(shuffled(items, Mulberry32(seed))) == sorted(items)


def test_pool_draws_spread_over_students(all_types_quiz):
    drawn = {make_variant(all_types_quiz, seed_for(all_types_quiz.id, f"s{i}")).question_ids[-1] for i in range(40)}
    assert drawn == {"first-fosdem", "first-fosdem-kernel"}


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shuffle=st.booleans())
def test_fast_question_ids_agree_with_the_full_variant(all_types_quiz, seed, shuffle):
    import dataclasses

    quiz = dataclasses.replace(all_types_quiz, shuffle_questions=shuffle)
    assert variant_question_ids(quiz, seed) == make_variant(quiz, seed).question_ids
