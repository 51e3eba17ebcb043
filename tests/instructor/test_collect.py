"""Finding handed-in files: folders, globs, zips (nested, with clutter, with bombs), missing arguments."""
from __future__ import annotations

import zipfile

from kcourse.core.submission import MAX_BYTES
from kcourse.instructor.collect import Collector, is_system_file
from kcourse.instructor.outcome import Reason


def names(c: Collector) -> list[str]:
    return [s.name for s in c.sources]


def test_folders_are_walked_in_order_and_clutter_is_left_out(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for rel in ("b/2.json", "a/1.json", "a/.DS_Store", "top.json", "a/._1.json"):
        (tmp_path / rel).write_text("{}")
    with Collector([str(tmp_path)]) as c:
        assert names(c) == [str(tmp_path / "top.json"), str(tmp_path / "a" / "1.json"), str(tmp_path / "b" / "2.json")]
        assert sorted(c.ignored) == [str(tmp_path / "a" / ".DS_Store"), str(tmp_path / "a" / "._1.json")]
        assert c.read(c.sources[0]) == (b"{}", None)


def test_globs_and_missing_arguments(tmp_path):
    for n in ("x1.json", "x2.json", "y.txt"):
        (tmp_path / n).write_text("{}")
    (tmp_path / "empty").mkdir()
    with Collector([str(tmp_path / "x*.json"), str(tmp_path / "nothing*.json"), str(tmp_path / "gone.json"),
                    str(tmp_path / "empty")]) as c:
        assert names(c) == [str(tmp_path / "x1.json"), str(tmp_path / "x2.json")]
        assert c.missing == [f"'{tmp_path / 'nothing*.json'}': no file matches this pattern",
                             f"'{tmp_path / 'gone.json'}': no such file or folder",
                             f"'{tmp_path / 'empty'}': the folder has no files"]


def test_zip_members_nested_zips_and_clutter(tmp_path):
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("deep/s2.json", '{"x": 2}')
    outer = tmp_path / "class.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("s1/quiz.json", '{"x": 1}')
        z.writestr("__MACOSX/s1/._quiz.json", "junk")
        z.writestr("folder/", "")
        z.write(inner, "more/inner.zip")
    with Collector([str(outer)]) as c:
        assert names(c) == [f"{outer}:more/inner.zip:deep/s2.json", f"{outer}:s1/quiz.json"]
        assert c.ignored == [f"{outer}:__MACOSX/s1/._quiz.json"]
        assert [c.read(s)[0] for s in c.sources] == [b'{"x": 2}', b'{"x": 1}']


def test_too_large_is_refused_before_reading_even_in_a_zip(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_BYTES + 1))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.json", b"0" * (MAX_BYTES * 3))
    assert bomb.stat().st_size < 100_000
    with Collector([str(big), str(bomb)]) as c:
        outcomes = [c.read(s) for s in c.sources]
    assert [(data, problem[0]) for data, problem in outcomes] == [(None, Reason.TOO_LARGE), (None, Reason.TOO_LARGE)]
    assert "6,000,000 bytes, more than a submission can be (2,000,000)" in outcomes[1][1][1]


def test_a_broken_zip_is_one_unreadable_source(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with Collector([str(bad)]) as c:
        [src] = c.sources
        data, (reason, message) = c.read(src)
    assert data is None and reason is Reason.UNREADABLE and message.startswith("not a readable zip archive")


def test_system_file_names():
    assert is_system_file("__MACOSX/a/b.json") and is_system_file("x/Thumbs.db") and is_system_file("._a.json")
    assert not is_system_file("macosx.json") and not is_system_file("a/b.json")


def test_utf8_member_names_without_the_utf8_flag_are_read_as_utf8(tmp_path):
    """Info-ZIP and macOS write 'José' as UTF-8 bytes without the flag; Python read 'Jos├⌐', so a Moodle folder
    name matched no student and their feedback was left out. Real cp437 names (0x82 is 'é') stay as they are."""
    path = tmp_path / "moodle.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("JosXY Hernandez_301_assignsubmission_file_/quiz.json", "{}")
        z.writestr("Ren! Dos_302_assignsubmission_file_/quiz.json", "{}")
    data = path.read_bytes().replace(b"JosXY", "José".encode()).replace(b"Ren!", b"Ren\x82")
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        assert all(not i.flag_bits & 0x800 for i in z.infolist())
    with Collector([str(path)]) as c:
        assert names(c) == [f"{path}:José Hernandez_301_assignsubmission_file_/quiz.json",
                            f"{path}:René Dos_302_assignsubmission_file_/quiz.json"]
        assert [c.read(s)[0] for s in c.sources] == [b"{}", b"{}"]
