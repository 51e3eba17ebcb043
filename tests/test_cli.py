"""The kcourse command as a user meets it: exit codes, messages without tracebacks, fast help."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kcourse.core.submission import Submission
from kcourse.core.variants import seed_for

FILES = Path(__file__).parent / "files"
QUIZ = str(FILES / "quiz" / "valid-all-types.yml")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kcourse", *args], capture_output=True, text=True, cwd=cwd)


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and "validate" in r.stdout and "grade-one" in r.stdout
    r = run("--version")
    assert r.returncode == 0 and "0.1.0" in r.stdout


def test_validate_reports_every_problem_without_traceback():
    r = run("validate", str(FILES / "quiz" / "invalid-points-and-pass-mark.yml"))
    assert r.returncode == 1
    assert "invalid-points-and-pass-mark.yml:7: pass_mark: must be <= 100, got 150 (change the number)" in r.stdout
    assert "invalid-points-and-pass-mark.yml:12: questions[0].points: must be > 0" in r.stdout
    assert "Traceback" not in r.stderr + r.stdout
    assert "1 file(s) checked: 0 good, 2 problem(s)" in r.stderr


def test_validate_good_file_and_silenced_warning(tmp_path):
    r = run("validate", QUIZ)
    assert r.returncode == 0, r.stdout + r.stderr
    q = tmp_path / "w.yml"
    q.write_text("schema_version: 1\nid: w\ntitle: W\nchapter: 1\nquestions:\n- {id: q, type: single, prompt: P, "
                 "explanation: E, options: [{id: a, text: A, correct: true}, {id: b, text: B, correct: false}]}\n")
    r = run("validate", str(q))
    assert r.returncode == 0 and "[kcourse.option-feedback]" in r.stderr
    assert "[kcourse.option-feedback]" not in run("validate", "-s", "option-feedback", str(q)).stderr
    assert run("validate", "--strict", str(q)).returncode == 1


def test_validate_missing_path():
    r = run("validate", "no/such/dir")
    assert r.returncode == 1 and "no/such/dir: no such file or folder (check the path)" in r.stdout


def test_show_with_key():
    r = run("show", QUIZ, "--student", "s1", "--key")
    assert r.returncode == 0
    assert "( ) a) 2.6.39 <- correct" in r.stdout
    assert "12,500 <= x <= 14,500" in r.stdout


def test_show_unknown_quiz_id(tmp_path):
    (tmp_path / "quizzes").mkdir()
    r = run("show", "ch99", cwd=tmp_path)
    assert r.returncode == 2 and "no quiz 'ch99'" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "quizzes").rmdir()
    r = run("show", "ch99", cwd=tmp_path)
    assert r.returncode == 2 and "there is no quizzes/ folder in" in r.stderr


def test_grade_one(tmp_path):
    sub = Submission(quiz_id="valid-all-types", student_id="s1", variant_seed=seed_for("valid-all-types", "s1"),
                     responses={"bkl-removed": "a", "weeks": 9.5, "building-blocks": ["ns"]})
    p = tmp_path / "s1.json"
    p.write_text(sub.to_json())
    r = run("grade-one", QUIZ, str(p), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["total"] == round(2 + 1 + 1 / 3, 6) and data["max_score"] == 10
    r = run("grade-one", QUIZ, str(p))
    assert "Total 3.33333 / 10 = 33.33% (pass mark 50%): FAIL" in r.stdout


@pytest.mark.parametrize("content, message", [
    ("{not json", "s.json:1: not valid JSON"),
    ('{"schema_version": 9}', "this file is schema version 9"),
], ids=["broken-json", "too-new"])
def test_grade_one_bad_submission(tmp_path, content, message):
    p = tmp_path / "s.json"
    p.write_text(content)
    r = run("grade-one", QUIZ, str(p))
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr


def test_help_imports_nothing_heavy():
    code = ("import sys; from kcourse.cli import cli; "
            "heavy = [m for m in ('yaml', 'jsonschema', 'ipywidgets', 'matplotlib', 'IPython') if m in sys.modules]; "
            "print(heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr
