"""Every file name a person sees goes through :func:`kcourse.core.safetext.printable`: a name that is not UTF-8
(``bad\\xff.yml``) shows as ``\\xff`` in every command, never as the raw byte (which can be half of a terminal
escape, or break the line)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ALL_TYPES, FILES, submission_json

BAD = "\udcff"  # how Python holds the byte 0xff of a file name that is not UTF-8 (surrogateescape)


def _kcourse(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kcourse", *args], capture_output=True, cwd=cwd,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course folder: quizzes/ with a good quiz, a quiz file named ``bad\\xff.yml``, a broken ``worse\\xff.yml``,
    a roster and a gradebook with one graded submission."""
    from kcourse.core.loader import load_quiz

    d = tmp_path_factory.mktemp("names")
    (d / "quizzes").mkdir()
    shutil.copy(ALL_TYPES, d / "quizzes" / "valid-all-types.yml")
    shutil.copy(ALL_TYPES, os.fsencode(d / "quizzes") + b"/bad\xff.yml")
    with open(os.fsencode(d) + b"/worse\xff.yml", "wb") as f:
        f.write(b"id: [\n")
    shutil.copy(FILES / "instructor" / "roster-generic.csv", d / "roster.csv")
    with open(os.fsencode(d) + b"/twice\xff.csv", "wb") as f:  # a roster with a row skipped: noted by name
        f.write(b"student_id,name\ns1,Ann\ns1,Ann again\n")
    (d / "in").mkdir()
    (d / "in" / "s1.json").write_text(submission_json(load_quiz(ALL_TYPES), "s1"))
    r = _kcourse(d, "grade", "quizzes/valid-all-types.yml", "in")
    assert r.returncode == 0, r.stderr.decode()
    return d


@pytest.mark.parametrize("args", [
    ("validate",),                                           # the quizzes/ folder: problem with bad\xff.yml
    ("validate", f"worse{BAD}.yml"),                         # a YAML error in a named file
    ("show", f"worse{BAD}.yml"),                             # the same, from show
    ("show", f"nosuch{BAD}"),                                # an unknown quiz id, and the list of quiz ids
    ("export", "--format", "gift", "-o", f"out{BAD}.txt", f"quizzes/bad{BAD}.yml"),  # warnings and "wrote"
    ("stats", "valid-all-types", "--html", f"report{BAD}.html"),
    ("assign", "valid-all-types", "--roster", "roster.csv", "--out", f"out{BAD}"),
    ("assign", "valid-all-types", "--roster", f"twice{BAD}.csv", "--out", "out2"),
    ("grade", "valid-all-types", f"nosuch{BAD}.json"),
    ("grades", "status", "valid-all-types", "--out", f"status{BAD}.csv"),
], ids=["validate-folder", "validate-file", "show-file", "show-id", "export", "stats-html", "assign",
        "assign-roster-notes", "grade", "grades-status"])
def test_a_name_that_is_not_utf8_is_shown_escaped(course, args):
    r = _kcourse(course, *args)
    said = r.stdout + r.stderr
    assert b"\\xff" in said, said.decode(errors="replace")
    assert b"\xff" not in said and b"\\udcff" not in said, said
    assert b"Traceback" not in said
