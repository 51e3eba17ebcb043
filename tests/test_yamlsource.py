"""The loader meets hostile input: random text and bytes, alias bombs, deep nesting, huge files, tags."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.core.errors import KcourseError, QuizFileError
from kcourse.core.loader import load_quiz, load_quiz_text
from kcourse.core.yamlsource import MAX_BYTES, load_yaml

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize("text, message", [
    (BOMB, "once aliases are expanded"),
    ("[" * 3000 + "]" * 3000, "nesting too deep"),
    ("x: " + "[" * 80 + "]" * 80, "nested more than 64 levels deep"),
    ("", "the file is empty"),
    ("--- 1\n--- 2\n", "YAML syntax error"),
    ("a: !!binary aGk=\n", None),
    ("a: !custom {x: 1}\n", "unsupported tag"),
    ("? [a, b]\n: 1\n", "a key must be plain text"),
    ("a: \x00\n", "YAML error"),
], ids=["alias-bomb", "deep-flow", "deep-but-parsable", "empty", "two-documents", "binary-kept-as-text",
        "custom-tag", "complex-key", "nul-byte"])
def test_hostile_yaml_is_a_located_problem(text, message):
    loc, problems = load_yaml(text, "t.yml")
    if message is None:
        assert not problems
    else:
        assert any(message in p.message for p in problems), problems


def test_huge_file_is_refused_before_parsing(tmp_path):
    p = tmp_path / "big.yml"
    p.write_text("a: " + "x" * (MAX_BYTES + 10))
    with pytest.raises(QuizFileError, match="bytes, more than the 1,000,000 allowed"):
        load_quiz(p)


def test_non_utf8_file(tmp_path):
    p = tmp_path / "latin1.yml"
    p.write_bytes("title: Gr\xfc\xdfe\n".encode("latin-1"))
    with pytest.raises(QuizFileError, match=r"latin1.yml:1: not UTF-8 text"):
        load_quiz(p)


def test_yaml_merge_keys_resolve(files):
    loc, problems = load_yaml("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    assert not problems and loc.data["c"] == {"x": 1, "y": 2}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_escapes_as_anything_but_our_error(text):
    try:
        load_quiz_text(text, "fuzz.yml")
    except KcourseError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_escape(tmp_path_factory, blob):
    p = tmp_path_factory.mktemp("fuzz") / "f.yml"
    p.write_bytes(blob)
    try:
        load_quiz(p)
    except KcourseError:
        pass


yaml_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
yaml_trees = st.recursive(yaml_scalars, lambda c: st.lists(c, max_size=4) |
                          st.dictionaries(st.sampled_from(["id", "type", "prompt", "options", "correct", "answer",
                                                           "points", "items", "pairs", "range", "tolerance", "x"]),
                                          c, max_size=5), max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions=st.lists(yaml_trees | st.fixed_dictionaries(
    {"id": st.text(max_size=5), "type": st.sampled_from(["single", "multiple", "true_false", "numeric", "text",
                                                          "ordering", "matching"])}, optional={
        "prompt": yaml_scalars, "explanation": yaml_scalars, "options": yaml_trees, "answer": yaml_scalars,
        "tolerance": yaml_trees, "range": yaml_trees, "items": yaml_trees, "pairs": yaml_trees,
        "accept": yaml_trees, "pattern": yaml_scalars}), max_size=4))
def test_structured_garbage_only_gives_located_problems(questions):
    import yaml

    text = yaml.safe_dump({"schema_version": 1, "id": "f", "title": "F", "chapter": 1, "questions": questions})
    try:
        load_quiz_text(text, "fuzz.yml")
    except QuizFileError as e:
        assert all(p.file == "fuzz.yml" and p.message for p in e.problems)
