"""Fixtures for the export tests; golden files are refreshed only on request.

Refresh with ``KCOURSE_UPDATE_GOLDENS=1 pytest tests/export`` or ``pytest tests/export --update-goldens``
(the option exists when pytest starts in or below this folder; the variable works from anywhere).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

EXPORT_FILES = Path(__file__).resolve().parent.parent / "files" / "export"


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="Rewrite tests/files/export golden files from the current exporters.")


@pytest.fixture
def update_goldens(request) -> bool:
    return bool(request.config.getoption("--update-goldens", default=False)) or \
        os.environ.get("KCOURSE_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="session")
def export_files() -> Path:
    return EXPORT_FILES


@pytest.fixture(scope="session")
def edge_quiz():
    from kcourse.core.loader import load_quiz

    return load_quiz(EXPORT_FILES / "valid-edge-cases.yml")
