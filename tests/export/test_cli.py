"""``kcourse export``: files, standard output, --all, located errors without tracebacks, atomic writes."""
import shutil
from pathlib import Path

import pytest

from kcourse.cli import main
from kcourse.core.loader import load_quiz
from kcourse.export import render

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "tests" / "files"


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_one_quiz_to_its_default_file(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "moodle")
    assert code == 0
    out = tmp_path / "valid-all-types.moodle.xml"
    assert out.read_bytes() == render(load_quiz(FILES / "quiz" / "valid-all-types.yml"), "moodle")
    assert "wrote valid-all-types.moodle.xml" in err
    assert [p.name for p in tmp_path.iterdir()] == ["valid-all-types.moodle.xml"]  # no temporary file left


def test_text_to_standard_output_with_warnings_on_stderr(capsys):
    code, out, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "gift",
                         "--out", "-")
    assert code == 0
    assert out.startswith("// kcourse export of quiz valid-all-types")
    assert "valid-all-types.yml:51: questions[6] (timeline): GIFT:" in err
    assert "[kcourse.export-unsupported]" in err


def test_warnings_can_be_silenced(capsys):
    code, _, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "gift",
                       "--out", "-", "-s", "export-unsupported")
    assert (code, err) == (0, "")


def test_a_zip_never_goes_to_standard_output(capsys):
    code, out, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "qti",
                         "--out", "-")
    assert (code, out) == (2, "")
    assert "zip file; name a file with --out" in err


def test_out_may_name_a_folder(capsys, tmp_path):
    code, _, _ = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "qti",
                     "--out", str(tmp_path))
    assert code == 0 and (tmp_path / "valid-all-types.qti.zip").is_file()


BAD = [
    # file, fragment of the located problem
    ("invalid-single-two-correct.yml", "invalid-single-two-correct.yml:"),
    ("invalid-unknown-key-typo.yml", "invalid-unknown-key-typo.yml:"),
    ("invalid-yaml-syntax.yml", "invalid-yaml-syntax.yml:"),
]


@pytest.mark.parametrize("name, fragment", BAD, ids=[b[0] for b in BAD])
def test_a_bad_quiz_gives_located_problems_and_no_file(capsys, tmp_path, name, fragment):
    code, out, err = run(capsys, "export", str(FILES / "quiz" / name), "--format", "moodle",
                         "--out", str(tmp_path / "x.xml"))
    assert code == 1
    assert fragment in err and "Traceback" not in err + out
    assert not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize("args, message", [
    (["nope-no-such-quiz"], "no quiz"),
    (["--all"], "--all writes one file per quiz"),
    (["--all", "--out", "-"], "--all writes one file per quiz"),
    (["valid-all-types", "--all", "--out", "x"], "either a QUIZ or --all"),
    ([], "name a QUIZ"),
], ids=["unknown-quiz", "all-without-out", "all-to-stdout", "quiz-and-all", "nothing"])
def test_usage_errors(capsys, monkeypatch, tmp_path, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quizzes").mkdir()
    code, _, err = run(capsys, "export", "--format", "gift", *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_missing_output_folder_is_a_clean_error(capsys, tmp_path):
    code, _, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "gift",
                       "--out", str(tmp_path / "missing" / "x.txt"))
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def test_an_existing_file_is_replaced_whole(capsys, tmp_path):
    target = tmp_path / "quiz.gift.txt"
    target.write_text("old content that is much longer than nothing" * 1000)
    code, _, _ = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", "gift",
                     "--out", str(target))
    assert code == 0
    assert target.read_bytes() == render(load_quiz(FILES / "quiz" / "valid-all-types.yml"), "gift")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.gift.txt"]


@pytest.fixture
def course(tmp_path):
    """A course folder: every quiz of the real course, the export fixtures and one broken quiz."""
    quizzes = tmp_path / "course" / "quizzes"
    quizzes.mkdir(parents=True)
    for f in sorted((ROOT / "quizzes").glob("*.yml")):
        shutil.copy(f, quizzes)  # course.yml too: it names the course and is no quiz
    for f in ("valid-edge-cases.yml", "valid-edge-source.yml"):
        shutil.copy(FILES / "export" / f, quizzes)
    shutil.copy(FILES / "quiz" / "valid-all-types.yml", quizzes)
    shutil.copy(FILES / "quiz" / "invalid-single-two-correct.yml", quizzes)
    (quizzes.parent / "sub").mkdir()
    return quizzes.parent


@pytest.mark.parametrize("fmt, suffix", [("moodle", ".moodle.xml"), ("gift", ".gift.txt"), ("qti", ".qti.zip")])
def test_all_exports_every_good_quiz_and_reports_the_bad_one(capsys, monkeypatch, course, fmt, suffix):
    monkeypatch.chdir(course / "sub")  # the nearest quizzes/ folder is found from below
    code, _, err = run(capsys, "export", "--all", "--format", fmt, "--out", str(course / "out"))
    assert code == 1
    assert "invalid-single-two-correct.yml:" in err and "Traceback" not in err
    written = {p.name for p in (course / "out").iterdir()}
    problems = "\n".join(ln for ln in err.splitlines() if not ln.startswith(("warning:", "wrote ")))
    quiz_files = [f for f in (course / "quizzes").glob("*.yml") if f.name != "course.yml"]
    for f in quiz_files:  # each quiz is either exported or named in a problem
        assert (f"{f.stem}{suffix}" in written) != (f"{f.name}:" in problems), f.name
    assert len(written) == len(quiz_files) - 1
    for qid in ("valid-all-types", "valid-edge-cases"):
        quiz = load_quiz(course / "quizzes" / f"{qid}.yml")
        assert (course / "out" / f"{qid}{suffix}").read_bytes() == render(quiz, fmt)


@pytest.mark.parametrize("fmt, given, written", [
    ("qti", "name", "name.zip"),
    ("qti", "name.qti", "name.qti.zip"),
    ("qti", "name.ZIP", "name.ZIP"),
    ("moodle", "name", "name.xml"),
    ("moodle", "name.xml", "name.xml"),
    ("gift", "name", "name.txt"),
    ("gift", "name.gift", "name.gift"),
])
def test_out_gets_the_extension_the_platform_import_needs(capsys, tmp_path, fmt, given, written):
    code, _, err = run(capsys, "export", str(FILES / "quiz" / "valid-all-types.yml"), "--format", fmt,
                       "--out", str(tmp_path / given), "-s", "export-unsupported")
    assert code == 0
    assert [p.name for p in tmp_path.iterdir()] == [written]
    assert f"wrote {tmp_path / written}" in err
    assert ("note: --out" in err) == (given != written)
