"""Shared fixtures of the instructor tests: the quizzes, a roster, and submission files as a learner's page
would write them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kcourse.core.grading import correct_response
from kcourse.core.loader import load_quiz
from kcourse.core.submission import Submission
from kcourse.core.variants import make_variant, seed_for

FILES = Path(__file__).resolve().parent.parent / "files"
ALL_TYPES = FILES / "quiz" / "valid-all-types.yml"
FIVE = FILES / "instructor" / "quiz-five-items.yml"


@pytest.fixture(scope="session")
def quiz():
    return load_quiz(ALL_TYPES)


@pytest.fixture(scope="session")
def five():
    return load_quiz(FIVE)


def submission_json(quiz, student_id: str, *, responses=None, seed=None, submitted_at="2026-11-26T10:00:00Z",
                    right: bool = True, **extra) -> str:
    """A submission file's text; by default every question of the student's variant answered right."""
    seed = seed_for(quiz.id, student_id) if seed is None else seed
    if responses is None:
        ids = make_variant(quiz, seed).question_ids
        responses = {qid: correct_response(quiz.question(qid)) for qid in ids} if right else {}
    sub = Submission(quiz_id=quiz.id, student_id=student_id, variant_seed=seed, responses=responses,
                     started_at="2026-11-26T09:50:00Z", submitted_at=submitted_at,
                     generator="kcourse 0.1.0 (static page)")
    if not extra:
        return sub.to_json()
    data = json.loads(sub.to_json())
    data.update(extra)
    return json.dumps(data, indent=2) + "\n"


def write_roster(path: Path, ids: list[str]) -> Path:
    path.write_text("student_id,name,email\n" + "".join(f"{i},Student {i},{i}@example.org\n" for i in ids),
                    encoding="utf-8")
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``kcourse ARGS`` in this process through the real entry point; (exit status, stdout, stderr)."""
    from kcourse.cli import main

    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    else:  # pragma: no cover - main() always exits
        code = 0
    out, err = capsys.readouterr()
    return code, out, err
