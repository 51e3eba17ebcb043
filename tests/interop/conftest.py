"""The interop suite: course quizzes run through Canvas's and Moodle's own import code.

The third-party code is never part of this repository: ``KCOURSE_INTEROP_DIR`` names a folder prepared
as ``tests/interop/README.md`` says. Without it every test here is skipped with one line saying so.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HOW = "set KCOURSE_INTEROP_DIR to a folder prepared as tests/interop/README.md says"

CANVAS_FILES = ("QTIMigrationTool/migrate.py",
                "canvas-lms/gems/plugins/qti_exporter/lib/qti.rb",
                "canvas-lms/gems/plugins/qti_exporter/lib/qti/assessment_item_converter.rb",
                "canvas-lms/lib/cc/importer/canvas/quiz_metadata_converter.rb")
MOODLE_FILES = ("moodle/question/format/xml/format.php", "moodle/question/format/gift/format.php",
                "moodle/lib/xmlize.php", "moodle/question/type/ordering/questiontype.php")


def _interop_dir(needed: tuple[str, ...], programs: tuple[str, ...]) -> Path:
    value = os.environ.get("KCOURSE_INTEROP_DIR")
    if not value:
        pytest.skip(f"interop tests need the platforms' importer code: {HOW}")
    root = Path(value)
    missing = [f for f in needed if not (root / f).is_file()]
    missing += [p for p in programs if shutil.which(p, path="/usr/bin:/bin") is None]
    if missing:
        pytest.skip(f"KCOURSE_INTEROP_DIR={root} lacks {', '.join(missing)}: {HOW}")
    return root


@pytest.fixture(scope="session")
def canvas_dir() -> Path:
    return _interop_dir(CANVAS_FILES, ("ruby", "python3"))


@pytest.fixture(scope="session")
def moodle_dir() -> Path:
    return _interop_dir(MOODLE_FILES, ("php",))


def course_quizzes():
    """Every course quiz and the interop fixtures, loaded (pytest parameters)."""
    from kcourse.core.loader import load_quiz, quiz_files

    paths = quiz_files([REPO / "quizzes", HERE / "files"])[0]
    paths.append(REPO / "tests" / "files" / "export" / "valid-edge-cases.yml")
    return [pytest.param(load_quiz(p), id=p.stem) for p in paths]
