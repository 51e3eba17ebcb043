"""Golden files for the every-type quiz in each format, and byte-identical output from one run to the next.

Refresh the goldens with ``KCOURSE_UPDATE_GOLDENS=1 pytest tests/export`` (or ``--update-goldens``), then
read the diff before committing it.
"""
import difflib
import io
import shutil
import zipfile

import pytest

from kcourse.core.loader import load_quiz
from kcourse.export import FORMATS, render
from kcourse.export.qti import qti_members

TEXT_GOLDENS = {"moodle": "valid-all-types.moodle.xml", "gift": "valid-all-types.gift.txt"}


def _compare(actual: bytes, golden_path, update: bool) -> None:
    if update:
        golden_path.parent.mkdir(parents=True, exist_ok=True)
        golden_path.write_bytes(actual)
        return
    assert golden_path.exists(), f"{golden_path} is missing: run KCOURSE_UPDATE_GOLDENS=1 pytest tests/export"
    expected = golden_path.read_bytes()
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.decode().splitlines(True), actual.decode().splitlines(True),
                                            "golden", "now", n=2))
        pytest.fail(f"{golden_path.name} differs from the export (refresh with KCOURSE_UPDATE_GOLDENS=1 if "
                    f"the change is intended):\n{diff[:4000]}")


@pytest.mark.parametrize("fmt", sorted(TEXT_GOLDENS))
def test_text_formats_match_their_golden_files(all_types_quiz, export_files, update_goldens, fmt):
    _compare(render(all_types_quiz, fmt), export_files / TEXT_GOLDENS[fmt], update_goldens)


def test_qti_package_matches_its_golden_files(all_types_quiz, export_files, update_goldens):
    folder = export_files / "valid-all-types.qti"
    members = qti_members(all_types_quiz)
    if update_goldens and folder.exists():
        shutil.rmtree(folder)
    for name, data in members.items():
        _compare(data, folder / name, update_goldens)
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert on_disk == sorted(members)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_input_gives_byte_identical_output(export_files, monkeypatch, fmt):
    """Loaded twice, from two working folders and by two path spellings: the bytes do not change."""
    path = export_files.parent / "quiz" / "valid-all-types.yml"
    first = render(load_quiz(path), fmt)
    monkeypatch.chdir(export_files.parent)
    second = render(load_quiz("quiz/valid-all-types.yml"), fmt)
    assert first == second
    edge = export_files / "valid-edge-cases.yml"
    assert render(load_quiz(edge), fmt) == render(load_quiz(edge), fmt)


def test_zip_members_carry_no_time_or_machine(all_types_quiz):
    with zipfile.ZipFile(io.BytesIO(render(all_types_quiz, "qti"))) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert (info.create_system, info.external_attr >> 16) == (3, 0o644)
