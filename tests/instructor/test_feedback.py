"""Feedback files: the student's answers, the right answers, explanations and score; student text escaped."""
from __future__ import annotations

import pytest

from kcourse.instructor.answers import md_escape
from kcourse.instructor.feedback import write_feedback
from kcourse.instructor.grade import grade_run
from kcourse.instructor.roster import parse_roster

from .conftest import run_cli, submission_json

EVIL = "<script>alert('x')</script> **bold** [link](javascript:alert(1))"


@pytest.fixture
def book(gradebook_address, quiz, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.json").write_text(submission_json(quiz, "s1", responses={
        "async-io": EVIL, "bkl-removed": "b", "commits": 20000, "timeline": ["bkl", "kvm", "l26", "smp"]}))
    (subs / "s2.json").write_text(submission_json(quiz, "s2"))
    assert grade_run(quiz=quiz, inputs=[str(subs)], gradebook=gradebook_address).ok
    return gradebook_address


def test_html_feedback(quiz, book, tmp_path):
    roster = parse_roster('student_id,name\ns1,"Ann <i>Doe</i>"\ns2,Bob\n', "r.csv")
    report = write_feedback(quiz=quiz, gradebook=book, out=tmp_path / "fb", roster=roster)
    assert [p.name for p in report.files] == ["s1.html", "s2.html"] and report.stale == 0
    page = (tmp_path / "fb" / "s1.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "javascript:" not in page.replace("(javascript:alert(1))", "")  # shown as text only, never a link
    assert "Ann &lt;i&gt;Doe&lt;/i&gt; (s1)" in page and "<i>Doe" not in page
    assert "<strong>Score: 0 of 10 (0 %), pass mark" in page  # every answer of s1 is wrong
    for expected in ("2.6.0", "2.6.39",  # chosen and right option texts
                     "2.6.0 still had ~500 <code>lock_kernel()</code> calls.",  # its option feedback, as Markdown
                     "20000 is too high.", "12,500 &lt;= x &lt;= 14,500",
                     "BKL removed → KVM merged → Linux 2.6.0 → SMP in 2.0", "SMP in 2.0 → Linux 2.6.0",
                     "2.6.39, May 2011, about 15 years after SMP came in 2.0.",  # the explanation
                     "(no answer)"):
        assert expected in page, expected
    assert page.index("Question 1") < page.index("Question 2")


def test_markdown_feedback(quiz, book, tmp_path):
    write_feedback(quiz=quiz, gradebook=book, out=tmp_path / "fb", fmt="md")
    text = (tmp_path / "fb" / "s1.md").read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "\\*\\*bold\\*\\* \\[link\\](javascript:alert(1))" in text  # no emphasis, no link
    assert '- **Right answer:** "io\\_uring" or "io uring" or text matching /io\\[\\_ -\\]?uring/' in text


def test_md_escape():
    assert md_escape("a <b> *c*\n_d_ `e`") == "a &lt;b&gt; \\*c\\* \\_d\\_ \\`e\\`"


def test_the_command(quiz, book, tmp_path, capsys):
    code, out, err = run_cli(capsys, "feedback", quiz.source, "--gradebook", str(book), "--out", str(tmp_path / "f"),
                             "--format", "md")
    assert code == 0 and "wrote 2 feedback file(s)" in out and (tmp_path / "f" / "s2.md").is_file()


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_feedback_is_written_in_the_course_language(gradebook_address, tmp_path, fmt):
    """A German course (``language: de`` in course.yml) gets German feedback pages: labels, grading feedback,
    numbers with the decimal comma and grouped thousands; the CLI's own output stays English."""
    import shutil

    from kcourse.core.loader import load_quiz

    from .conftest import ALL_TYPES

    course = tmp_path / "quizzes"
    course.mkdir()
    shutil.copy(ALL_TYPES, course / ALL_TYPES.name)
    (course / "course.yml").write_text("language: de\n", encoding="utf-8")
    quiz = load_quiz(course / ALL_TYPES.name)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.json").write_text(submission_json(quiz, "s1", responses={"commits": 20000}))
    assert grade_run(quiz=quiz, inputs=[str(subs)], gradebook=gradebook_address).ok
    write_feedback(quiz=quiz, gradebook=gradebook_address, out=tmp_path / "fb", fmt=fmt)
    page = (tmp_path / "fb" / f"s1.{fmt}").read_text(encoding="utf-8")
    for german in ("Rückmeldung für", "Punktzahl: 0 von 10", "Bestehensgrenze", "nicht bestanden", "Frage 1",
                   "Ihre Antwort", "Richtige Antwort", "20\u202f000 ist zu hoch", "– nicht beantwortet"):
        assert german in page, german
    for english in ("Feedback for", "Your answer", "Right answer", "is too high", "Question 1", "pass mark"):
        assert english not in page, english
    if fmt == "html":
        assert "<html lang='de'>" in page
