"""Portable ids and hashes, the same in Python and in the browser."""
from __future__ import annotations

from .textnorm import normalise

MASK32 = 0xFFFFFFFF


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes of ``text``."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & MASK32
    return h


def choice_id(text: str) -> str:
    """The id of a right-hand choice of a matching question: ``c`` and 8 hex digits of the FNV-1a hash of its
    normalised text. It depends only on the text a learner sees, so it tells nothing about which left-hand
    item the choice belongs to (a pair id would give the answer away on an assessment page)."""
    return f"c{fnv1a32(normalise(text)):08x}"
