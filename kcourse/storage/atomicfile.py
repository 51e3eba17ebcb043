"""Writing a file so that a reader sees the old content or the new, never a part of it, even if the writer is
killed: a temporary file next to the target, fsync, then ``os.replace``."""
from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

_THREAD_LOCK = threading.RLock()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomically(path: str | Path, data: bytes, *, private: bool = False,
                           make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically.

    ``private`` keeps the file readable by its owner only (and makes missing folders 0700), as for a learner's
    progress; otherwise the file gets the usual permissions of the umask. With ``make_parents=False`` a missing
    folder is an ``OSError`` like any other.
    """
    path = Path(path)
    try:
        _write(path, data, private, make_parents)
    except OSError as e:
        name = os.fsdecode(e.filename) if isinstance(e.filename, (str, bytes)) else None
        # a full disk says so from write() or fsync(), without the path; a read-only folder names the temporary
        # file (.NAME.abc123.tmp), which the user never asked for: name the file being written instead
        if name is None or Path(name).name.startswith(f".{path.name}.") and name.endswith(".tmp"):
            e.filename = str(path)
        raise


def _write(path: Path, data: bytes, private: bool, make_parents: bool) -> None:
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: str | Path, text: str, *, private: bool = False) -> None:
    """:func:`write_bytes_atomically` of UTF-8 text (line ends as given)."""
    write_bytes_atomically(path, text.encode("utf-8"), private=private)


@contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (made if missing) while the block runs: writers that read, change
    and replace ``path`` under it do not lose each other's changes. Processes and threads alike wait their turn
    (fcntl on POSIX, msvcrt on Windows); where neither exists the block runs unlocked."""
    lock = Path(f"{path}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _THREAD_LOCK, open(lock, "a+b") as f:
        if fcntl is not None:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        elif msvcrt is not None:  # pragma: no cover - Windows
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            elif msvcrt is not None:  # pragma: no cover - Windows
                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
