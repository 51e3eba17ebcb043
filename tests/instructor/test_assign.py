"""kcourse assign: a personal assessment page, notebook and key-less quiz per student, and a manifest."""
from __future__ import annotations

import ast
import csv
import io
import json
import re

import pytest

from kcourse import qtypes as qt
from kcourse.core.errors import InputError, UsageError
from kcourse.core.loader import load_quiz_text
from kcourse.core.variants import seed_for
from kcourse.instructor import assign as assign_mod
from kcourse.instructor.assign import KeyLeakError, assign, key_leaks, notebook_json
from kcourse.instructor.manifest import quiz_digest, read_manifest
from kcourse.instructor.roster import Student, parse_roster

from .conftest import ALL_TYPES
from .test_keyless import key_strings, keys_of

ROSTER = 'student_id,name,email\ns1,Ann Doe,ann@example.org\ns2,"Bob <b>Roe</b>",bob@example.org\nX 3,Cy,cy@x.org\n'


@pytest.fixture
def assigned(quiz, tmp_path):
    roster = parse_roster(ROSTER, "roster.csv")
    return assign(quiz=quiz, roster=roster, out=tmp_path / "out", now="2026-11-26T12:00:00Z"), tmp_path / "out"


def test_every_student_gets_three_files_and_the_manifest_lists_them(quiz, assigned):
    report, out = assigned
    assert report.files == 3 * 3 + 2
    manifest = read_manifest(out / "manifest.json")
    assert (manifest.quiz_id, manifest.quiz_digest, manifest.created_at) == (quiz.id, quiz_digest(quiz),
                                                                             "2026-11-26T12:00:00Z")
    assert [(a.student.student_id, a.student.name, a.student.email, a.seed) for a in manifest.assignments] == [
        ("s1", "Ann Doe", "ann@example.org", seed_for(quiz.id, "s1")),
        ("s2", "Bob <b>Roe</b>", "bob@example.org", seed_for(quiz.id, "s2")),
        ("X 3", "Cy", "cy@x.org", seed_for(quiz.id, "X 3"))]
    assert manifest.assignments[2].files == {"html": "X_3/valid-all-types.html",
                                             "notebook": "X_3/valid-all-types.ipynb",
                                             "keyless": "X_3/valid-all-types.keyless.yml"}
    for a in manifest.assignments:
        for rel in a.files.values():
            assert (out / rel).is_file()
    rows = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8"))))
    assert [(r["student_id"], int(r["seed"]), r["quiz_digest"]) for r in rows] == [
        (a.student.student_id, a.seed, manifest.quiz_digest) for a in manifest.assignments]
    assert not list(out.rglob("*.tmp"))


def test_no_key_in_a_student_folder(quiz, assigned):
    _, out = assigned
    texts = [p.read_text(encoding="utf-8") for p in (out / "s1").iterdir()]
    assert len(texts) == 3
    for text in texts:
        for s in key_strings(quiz):
            if len(s) >= 6:  # hints are shown in the static page; the widget shows none in assessment mode
                assert s not in text or any(s in h for q in quiz.all_questions for h in q.hints), s
        assert key_leaks(quiz, text) == []
    page = (out / "s1" / "valid-all-types.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r"<script[^>]*class=\"kq-data\"[^>]*>(.*?)</script>", page, re.S)[1])
    assert data["quiz"]["mode"] == "assessment" and data["student_id"] == "s1"
    keys = set(keys_of(data))
    assert not keys & {"correct", "accept", "pattern", "answer", "interval", "explanation", "explanation_html",
                       "feedback", "feedback_html", "feedback_true_html", "feedback_false_html", "tolerance"}
    packed = [q["id"] for q in data["questions"] if "key" in q]
    assert all(isinstance(quiz.question(qid), qt.Matching) for qid in packed)  # only the matching ids are packed
    assert "valid-all-types.yml" not in "".join(p.name for p in out.rglob("*"))


def test_the_notebook_shows_the_keyless_quiz(quiz, assigned):
    nbformat = pytest.importorskip("nbformat")
    _, out = assigned
    nb = nbformat.read(out / "s2" / "valid-all-types.ipynb", as_version=4)
    nbformat.validate(nb)
    intro, code = nb.cells
    assert code.source == ("import kcourse\n\nkcourse.quiz('valid-all-types.keyless.yml', student_id='s2', "
                           "mode=\"assessment\")")
    assert "Bob &lt;b&gt;Roe&lt;/b&gt;" in intro.source and "<b>" not in intro.source
    assert code.outputs == [] and code.execution_count is None


def test_notebook_quotes_any_student_id(quiz):
    text = notebook_json(quiz, Student(student_id="o'brien\\\"x"), "q.keyless.yml")
    code = json.loads(text)["cells"][1]["source"]
    call = ast.parse(code).body[-1].value
    assert ast.literal_eval(call.args[0]) == "q.keyless.yml"
    assert {k.arg: ast.literal_eval(k.value) for k in call.keywords} == {"student_id": "o'brien\\\"x",
                                                                         "mode": "assessment"}


def test_running_again_writes_the_same_student_files(quiz, assigned):
    _, out = assigned
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and not p.name.startswith("manifest")}
    assign(quiz=quiz, roster=parse_roster(ROSTER, "roster.csv"), out=out)
    assert {p: p.read_bytes() for p in before} == before


def test_another_quiz_into_the_same_folder_is_refused(assigned):
    _, out = assigned
    other = load_quiz_text(ALL_TYPES.read_text().replace("id: valid-all-types", "id: other-quiz"), "other.yml")
    with pytest.raises(UsageError, match="already holds the assignment of quiz 'valid-all-types'"):
        assign(quiz=other, roster=parse_roster(ROSTER, "roster.csv"), out=out)


def test_ids_that_give_the_same_folder_are_refused(quiz, tmp_path):
    roster = parse_roster("student_id,name\na/b,A\na b,B\n", "r.csv")
    with pytest.raises(InputError, match="r.csv:3: student ids 'a/b' and 'a b' give the same folder name 'a_b'"):
        assign(quiz=quiz, roster=roster, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_page_that_would_leak_the_key_is_not_written(quiz, tmp_path, monkeypatch):
    import kcourse.frontend.static_html as static_html

    q = quiz.question("bkl-removed")
    assert isinstance(q, qt.SingleChoice)
    monkeypatch.setattr(static_html, "render_document", lambda quiz, **kw: f"<p>{q.explanation}</p>")
    with pytest.raises(KeyLeakError, match=r"would contain key text \(bkl-removed.explanation"):
        assign_mod.assign(quiz=quiz, roster=parse_roster(ROSTER, "roster.csv"), out=tmp_path / "out")
    assert not (tmp_path / "out" / "s1").exists()


def test_the_personal_page_names_its_student(assigned):
    _, out = assigned
    page = (out / "s2" / "valid-all-types.html").read_text(encoding="utf-8")
    assert '<p class="kq-who">Student: <strong>Bob &lt;b&gt;Roe&lt;/b&gt;</strong> (s2)</p>' in page
    assert "Ann Doe" not in page


@pytest.mark.browser
def test_the_personal_page_shows_the_name_and_keeps_its_id(assigned):
    """The id box of a page made for one student is read-only and holds that id, even when this browser
    kept another id typed on another page of the same quiz."""
    from tests.frontend.static_support import chromium

    _, out = assigned
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 390, "height": 800})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "s1" / "valid-all-types.html").as_uri())
        page.wait_for_selector("[data-kq-state=ready]")
        assert page.locator(".kq-who").text_content() == "Student: Ann Doe (s1)"
        sid = page.get_by_label("Student id")
        assert sid.input_value() == "s1" and sid.get_attribute("readonly") is not None
        assert errors == []
        ctx.close()
