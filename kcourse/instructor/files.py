"""Writing files safely (temporary file + ``os.replace``) and naming them safely."""
from __future__ import annotations

import re

from ..storage.atomicfile import write_bytes_atomically, write_text_atomically

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, default: str = "student") -> str:
    """``text`` usable as a file or folder name on every system: other characters become ``_``."""
    return _UNSAFE.sub("_", text.strip()).strip("._")[:80] or default


__all__ = ["safe_name", "write_bytes_atomically", "write_text_atomically"]
