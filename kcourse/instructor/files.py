"""Writing files safely (temporary file + ``os.replace``) and naming them safely."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, default: str = "student") -> str:
    """``text`` usable as a file or folder name on every system: other characters become ``_``."""
    return _UNSAFE.sub("_", text.strip()).strip("._")[:80] or default


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, fsync it, then rename it over ``path``: a reader
    sees the old file or the new one, never half of one, even if the writer is killed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_atomically(path: str | Path, text: str) -> None:
    """:func:`write_bytes_atomically` of UTF-8 text (line ends as given)."""
    write_bytes_atomically(path, text.encode("utf-8"))
