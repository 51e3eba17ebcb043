"""How short-text answers are compared: the same normalisation in Python and in the browser."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str, *, case_sensitive: bool = False) -> str:
    """Unicode NFKC, trimmed, inner whitespace runs collapsed to one space, lower-cased unless told not to.

    The browser does the same: ``s.normalize("NFKC").trim().replace(/\\s+/g, " ").toLowerCase()``
    (``str.lower`` and ``toLowerCase`` both apply Unicode's default lower-case mapping).
    """
    s = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).strip())
    return s if case_sensitive else s.lower()
