"""JSON from people (submissions, progress files, manifests) read with bounded work.

:func:`json.loads` turns a number of any length into an ``int``; Python refuses to convert more than 4,300
digits and raises a bare ``ValueError`` from deep inside the parser (and converting fewer still costs time
quadratic in the length). Here integers are limited to :data:`MAX_INT_DIGITS` digits and every failure is a
:class:`JSONError` with a message a person can act on: not JSON, nested too deeply, a number too long.
"""
from __future__ import annotations

import json
from typing import Any

MAX_INT_DIGITS = 400
"""More digits than any float holds (309); a longer whole number is not an answer but an attack."""


class JSONError(ValueError):
    """``text`` is not JSON we read; ``message`` says why, ``line`` where (when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class _TooLong(Exception):
    def __init__(self, digits: int):
        self.digits = digits


def _int(s: str) -> int:
    if len(s) > MAX_INT_DIGITS + 1:  # + 1: a minus sign
        raise _TooLong(len(s.lstrip("-")))
    return int(s)


def loads(text: str, *, nan_as_none: bool = True) -> Any:
    """Parse JSON text. ``NaN``/``Infinity`` (not JSON, but Python writes them) read as ``None``."""
    try:
        return json.loads(text, parse_int=_int, parse_constant=(lambda _c: None) if nan_as_none else None)
    except json.JSONDecodeError as e:
        raise JSONError(f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})", e.lineno) from None
    except _TooLong as e:
        raise JSONError(f"a whole number of {e.digits:,} digits (at most {MAX_INT_DIGITS} are read)") from None
    except RecursionError:
        raise JSONError("nested too deeply") from None
    except ValueError as e:  # pragma: no cover - the int limit above comes first; kept as the last guard
        raise JSONError(f"not readable JSON: {e}") from None
