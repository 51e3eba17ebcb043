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


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the session (tests/pg_server.py): skipped, with one line saying how to get one,
    where there is none; failed in CI (env CI set), which installs it."""
    import os

    from tests import pg_server as pgs

    if not os.environ.get("KCOURSE_PG_URL") and pgs.bindir() is None:
        if os.environ.get("CI"):
            pytest.fail(pgs.HOW_TO_GET)
        pytest.skip(pgs.HOW_TO_GET)
    server = pgs.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def gradebook_address(request, tmp_path) -> str:
    """A gradebook address on each backend: a SQLite file's path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "gb.sqlite")
    return request.getfixturevalue("pg_server").new_database()


FIXTURE_MARKERS = {
    "pg_server": ("postgresql",),
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
