"""The instructor commands as an instructor meets them: the whole workflow, errors without tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ALL_TYPES, FILES, run_cli, submission_json


def test_help_stays_light():
    code = ("import sys, kcourse.cli; heavy = {'sqlite3', 'matplotlib', 'yaml', 'tqdm', 'jsonschema', "
            "'kcourse.instructor.gradebook'}; print(sorted(heavy & set(sys.modules)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr


def test_the_whole_workflow(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    roster = FILES / "instructor" / "roster-generic.csv"
    code, out, err = run_cli(capsys, "assign", str(ALL_TYPES), "--roster", str(roster), "--out", "out")
    assert code == 0, err
    assert out == "valid-all-types: wrote 8 file(s) for 2 student(s) in out (manifest: out/manifest.json)\n"
    from kcourse.core.loader import load_quiz

    quiz = load_quiz(ALL_TYPES)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s1.json").write_text(submission_json(quiz, "s1"))
    (tmp_path / "in" / "s2.json").write_text(submission_json(quiz, "s2", right=False))
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), "in", "--manifest", "out/manifest.json")
    assert code == 0, out + err
    assert "2 file(s) in = 2 graded + 0 rejected" in out and (tmp_path / "gradebook.sqlite").is_file()
    code, out, err = run_cli(capsys, "grades", "export", "valid-all-types", "--format", "moodle", "--out", "m.csv",
                             "--roster", str(roster))
    assert code == 0 and (tmp_path / "m.csv").read_text().splitlines()[1:] == ["s1,ann@example.org,Ann Doe,10",
                                                                                "s2,bob@example.org,Bob Roe,0"]
    code, out, err = run_cli(capsys, "feedback", str(ALL_TYPES), "--out", "fb")
    assert code == 0 and sorted(p.name for p in (tmp_path / "fb").iterdir()) == ["s1.html", "s2.html"]
    code, out, err = run_cli(capsys, "stats", str(ALL_TYPES), "--html", "report.html")
    assert code == 0 and "bkl-removed" in out and out.rstrip().endswith("wrote report.html")
    assert (tmp_path / "report.html").read_text().startswith("<!doctype html>")


def test_bad_input_is_reported_without_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text("student_id,name\ns1,Ann\ns1,Ann again\n")
    code, out, err = run_cli(capsys, "assign", str(ALL_TYPES), "--roster", "roster.csv", "--out", "out")
    assert code == 0 and err == ("note: roster.csv: 1 student(s); skipped 1 row(s) that are not students:\n"
                                 "  roster.csv:3: skipped 'Ann again': student id 's1' is also on line 2; give every "
                                 "student one row\n")
    (tmp_path / "roster.csv").write_text("student_id,name\n")
    code, out, err = run_cli(capsys, "assign", str(ALL_TYPES), "--roster", "roster.csv", "--out", "out")
    assert code == 1 and "roster.csv:1: the roster has a header but no students" in err
    code, out, err = run_cli(capsys, "stats", str(ALL_TYPES))
    assert code == 2 and "no gradebook at gradebook.sqlite" in err
    (tmp_path / "manifest.json").write_text(json.dumps({"hello": 1}))
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), "roster.csv", "--manifest", "manifest.json")
    assert code == 1 and "manifest.json:1: not an assignment manifest" in err
    assert "Traceback" not in out + err


class _Terminal:
    """A stand-in for standard error on a terminal."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_progress_bar_only_on_a_terminal_and_not_quiet(monkeypatch):
    from kcourse.instructor.cli_common import bar as _bar

    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)

    def disabled(quiet: bool) -> bool:
        bar = _bar(quiet, "grading")([], 0)
        off = bar.disable
        bar.close()
        return off

    assert (disabled(False), disabled(True)) == (False, True)
    monkeypatch.setattr(fake, "isatty", lambda: False)
    assert disabled(False) is True


def test_an_override_must_be_a_score_the_quiz_can_give(tmp_path, capsys, monkeypatch):
    """Not NaN (was a traceback), not infinite or negative, not above the maximum (99 / 10 went to Canvas)."""
    monkeypatch.chdir(tmp_path)
    from kcourse.core.loader import load_quiz

    quiz = load_quiz(ALL_TYPES)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s1.json").write_text(submission_json(quiz, "s1"))
    assert run_cli(capsys, "grade", str(ALL_TYPES), "in")[0] == 0
    for bad, says in [("nan", "nan is not a score"), ("inf", "inf is not a score"), ("-3", "-3 is not a score"),
                      ("99", "99 is more than the quiz's maximum of 10")]:
        code, out, err = run_cli(capsys, "grades", "override", "valid-all-types", "s1", "--comment", "x", "--", bad)
        assert code != 0 and says in err and "Traceback" not in out + err, (bad, out, err)
    code, out, err = run_cli(capsys, "grades", "override", "valid-all-types", "s1", "7.5", "--comment", "appeal")
    assert code == 0, err
    code, out, err = run_cli(capsys, "grades", "status", "valid-all-types")
    assert "7.5 / 10" in out


def test_grading_a_practice_download_without_an_id_says_why_it_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from kcourse.core.loader import load_quiz

    data = json.loads(submission_json(load_quiz(ALL_TYPES), "s1"))
    del data["student_id"]
    data["practice"] = {"answers": {}}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mine.json").write_text(json.dumps(data, indent=2))
    code, out, err = run_cli(capsys, "grade", str(ALL_TYPES), "in")
    assert "1 rejected" in out and "in/mine.json" in out and "practice download without a student id" in out, out
    assert "Traceback" not in out + err
