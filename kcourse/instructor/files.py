"""Writing files safely (temporary file + ``os.replace``); names: :func:`kcourse.core.rules.safe_name`."""
from __future__ import annotations

from ..storage.atomicfile import (
    write_bytes_atomically,
    write_text_atomically,
    writing_bytes_atomically,
    writing_text_atomically,
)

__all__ = ["write_bytes_atomically", "write_text_atomically", "writing_bytes_atomically", "writing_text_atomically"]
