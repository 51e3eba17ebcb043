"""The one atomic writer the progress store, the instructor tools and the exports share."""
import os
import stat

import pytest

from kcourse.storage.atomicfile import write_bytes_atomically, write_text_atomically


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    p = tmp_path / "a" / "b.txt"
    write_text_atomically(p, "one\n")
    write_text_atomically(p, "two\n")
    assert p.read_text() == "two\n"
    assert os.listdir(p.parent) == ["b.txt"]


def test_permissions_follow_the_umask_unless_private(tmp_path):
    old = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "shared.txt", "x")
        write_text_atomically(tmp_path / "home" / "progress.json", "x", private=True)
    finally:
        os.umask(old)
    assert mode(tmp_path / "shared.txt") == 0o644
    assert mode(tmp_path / "home" / "progress.json") == 0o600
    assert mode(tmp_path / "home") == 0o700


def test_a_failed_write_keeps_the_old_content(tmp_path, monkeypatch):
    p = tmp_path / "f.bin"
    write_bytes_atomically(p, b"old")

    def boom(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_bytes_atomically(p, b"new")
    assert p.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.bin"]


def test_a_missing_folder_is_an_error_when_asked(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_bytes_atomically(tmp_path / "missing" / "f", b"x", make_parents=False)


def test_a_read_only_folder_names_the_file_not_the_temporary_one(tmp_path, monkeypatch):
    """`kcourse grades status -o ro/s.csv` said 'cannot write ro/.s.csv.gr9vn6pp.tmp' (seen on a ro mount)."""
    import errno
    import tempfile

    from kcourse.core.errors import output_error

    def read_only(prefix, suffix, dir):
        raise OSError(errno.EROFS, "Read-only file system", os.path.join(dir, f"{prefix}gr9vn6pp{suffix}"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(OSError) as caught:
        write_text_atomically(tmp_path / "s.csv", "x")
    message = output_error(caught.value).format_message()
    assert message.startswith(f"cannot write {tmp_path / 's.csv'}: Read-only file system"), message
    assert ".tmp" not in message
