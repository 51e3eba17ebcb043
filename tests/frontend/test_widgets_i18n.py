"""The JupyterLab quiz speaks the course's language (``language:`` in ``quizzes/course.yml``) and shows the images
next to the quiz file, inlined as in the static page. The course is the one ``kcourse new --language de`` makes."""
from __future__ import annotations

import json
import re

import pytest

from kcourse.book.new import new_course
from kcourse.core.course import course_language
from kcourse.core.errors import UsageError
from kcourse.core.loader import load_quiz
from kcourse.frontend.progress_view import course_progress
from kcourse.frontend.static_html import render_fragment
from kcourse.frontend.widgets import QuizWidget
from kcourse.storage.progress_store import ProgressStore


@pytest.fixture
def course(tmp_path):
    new_course(tmp_path / "kurs", language="de")
    return tmp_path / "kurs"


def widget(course, tmp_path, name="ch02-practice"):
    return QuizWidget(load_quiz(course / "quizzes" / f"{name}.yml"), seed=1,
                      store=ProgressStore(tmp_path / "home" / "progress.json"))


def test_kcourse_new_language_de_sets_the_book_and_the_course(course):
    assert re.search(r"^\s+language: de\b", (course / "_config.yml").read_text(), re.M)
    assert course_language(course / "quizzes") == "de"


def test_kcourse_new_refuses_a_language_it_does_not_ship(tmp_path):
    with pytest.raises(UsageError, match="language 'fr'"):
        new_course(tmp_path / "cours", language="fr")


def test_the_widget_speaks_german_in_a_german_course(course, tmp_path):
    qw = widget(course, tmp_path)
    panel = qw.panels["quiz-cells"]
    assert (panel.check_button.description, panel.retry_button.description, panel.answer_button.description) == \
        ("Prüfen", "Nochmal versuchen", "Antwort zeigen")
    assert "Frage 1 von 3 · 1 Punkt" in panel.prompt.value and "Bestehensgrenze 50 %" in qw.title.value
    assert qw.save_button.description == "Abgabe speichern" and qw.student_box.description == "Matrikelnummer"
    panel.control.text.value = "2,5"
    panel.check_button.click()  # a button's callback: no language block of the caller's around it
    assert "✗ Nicht richtig: 0 von 1 Punkt." in panel.feedback.value
    assert "2,5 ist zu hoch." in panel.feedback.value  # the core's feedback, with the decimal comma
    assert "Punktzahl: 0 von 3 Punkten (0 %)" in qw.score.value
    panel.control.text.value = "1 km"
    panel.retry_button.click()
    panel.check_button.click()
    assert "Schreiben Sie nur die Zahl, ohne km." in panel.feedback.value  # asked back, no try counted
    text = re.sub(r"<[^>]+>", " ", qw.title.value + panel.prompt.value + panel.feedback.value + qw.score.value)
    assert not re.search(r"\b(?:Check|Try again|Question|Score|points?|Practice:)\b", text), text  # the quiz is English


def test_the_run_this_cell_note_speaks_the_course_language(course, tmp_path):
    from kcourse.frontend.display import rerun_text

    assert rerun_text(widget(course, tmp_path).language).startswith("Dieses Quiz braucht einen laufenden Kernel")


def test_the_widget_speaks_english_without_a_course_language(course, tmp_path):
    (course / "quizzes" / "course.yml").write_text("id: kurs\n")
    qw = widget(course, tmp_path)
    assert qw.panels["quiz-cells"].check_button.description == "Check"


def test_the_progress_view_speaks_the_course_language(course, tmp_path):
    page = course_progress(start=course, store=ProgressStore(tmp_path / "home" / "progress.json"))
    assert "Noch kein Quiz beantwortet" in page._repr_html_() and "Noch kein Quiz beantwortet" in repr(page)


def test_images_next_to_the_quiz_show_in_the_widget_as_in_the_static_page(course, tmp_path):
    qw = widget(course, tmp_path)
    prompt = qw.panels["markdown-pages"].prompt.value
    img = re.search(r'<img class="kq-img" src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+">', prompt)
    assert img, prompt
    static = render_fragment(load_quiz(course / "quizzes" / "ch02-practice.yml"), seed=1)
    data = json.loads(re.search(r'class="kq-data">(.*?)</script>', static).group(1))
    prompts = [q["prompt_html"] for q in data["questions"]]
    assert any(img.group(0) in p for p in prompts)  # the same inlined image


def test_an_image_that_is_not_there_shows_its_text_in_the_widget(course, tmp_path):
    (course / "quizzes" / "img" / "book.svg").unlink()
    qw = widget(course, tmp_path)
    assert "[Bild: A quiz file becomes part of the page" in qw.panels["markdown-pages"].prompt.value
