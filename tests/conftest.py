from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture
def files() -> Path:
    return FILES


@pytest.fixture(scope="session")
def all_types_quiz():
    from kcourse.loader import load_quiz

    return load_quiz(FILES / "quiz" / "valid-all-types.yml")
