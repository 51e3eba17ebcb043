"""``chapter`` is optional: a quiz of no chapter (an exam, a practice page) loads, shows, exports and sorts."""
import pytest

from kcourse.core.loader import load_quiz_text
from kcourse.core.variants import make_variant
from kcourse.export import render
from kcourse.storage import progress_store as ps
from kcourse.views.keyless import load_keyless_text, write_keyless
from kcourse.views.textview import render_quiz

QUIZ = """schema_version: 1
id: final-exam
title: Final exam
questions:
  - id: q
    type: true_false
    prompt: "A quiz needs a chapter."
    explanation: "No: chapter is optional."
    answer: false
"""


@pytest.fixture
def quiz():
    return load_quiz_text(QUIZ, "final-exam.yml")


def test_a_quiz_without_chapter_loads_and_names_no_chapter(quiz):
    assert quiz.chapter is None and quiz.chapter_label == "no chapter"
    assert "no chapter" in render_quiz(quiz, make_variant(quiz, 1))
    assert load_quiz_text(QUIZ.replace("title: Final exam", "title: Final exam\nchapter: 3"), "x.yml").chapter_label \
        == "chapter 3"


@pytest.mark.parametrize("fmt", ["gift", "moodle", "qti"])
def test_it_exports(quiz, fmt):
    assert render(quiz, fmt)


def test_its_key_less_copy_loads(quiz):
    assert load_keyless_text(write_keyless(quiz, 5)).chapter is None


def test_progress_rows_list_quizzes_of_no_chapter_last(quiz):
    chapter_two = load_quiz_text(QUIZ.replace("id: final-exam", "id: zz\nchapter: 2"), "zz.yml")
    rows = ps.course_rows([quiz, chapter_two], {})
    assert [r.quiz_id for r in rows] == ["zz", "final-exam"]
