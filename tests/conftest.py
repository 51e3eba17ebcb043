from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: time is measured by benchmarks/, and on a shared 2-core machine a deadline only flakes.
settings.register_profile("kcourse", deadline=None)
settings.load_profile("kcourse")

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture
def files() -> Path:
    return FILES


@pytest.fixture(scope="session")
def all_types_quiz():
    from kcourse.core.loader import load_quiz

    return load_quiz(FILES / "quiz" / "valid-all-types.yml")


FIXTURE_MARKERS = {
    "node": ("node",),  # tests/frontend/test_vectors.py: quiz.js under node
    "builds": ("book", "kernel", "slow"),  # tests/frontend/test_static_book.py: two book builds
}
"""Markers that follow from a fixture a test uses (directly or through another fixture)."""


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, markers in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                for marker in markers:
                    item.add_marker(marker)
