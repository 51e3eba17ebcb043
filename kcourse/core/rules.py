"""The rules several parts of kcourse share, each written once: standard library only, so anything may import
it (the CLI's start-up, the gradebook's SQL, the front ends). Modelled on MyST-NB's configuration dataclass:
one frozen record, every field documented, read as ``RULES.field`` or through the names below.

The browser grader (``kcourse/frontend/static/quiz.js``) mirrors some of these; the JavaScript side is
checked against them by the node tests (``tests/frontend/test_vectors.py``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    modes: tuple[str, ...] = ("practice", "assessment")
    """How a quiz is shown: ``practice`` (instant feedback) or ``assessment`` (no feedback, no key)."""
    default_mode: str = "practice"
    seed_max: int = 0xFFFFFFFF
    """Variant seeds are unsigned 32-bit integers, ``0 .. seed_max`` (the browser computes the same)."""
    attempt_policies: tuple[str, ...] = ("latest", "best", "first", "latest-on-time")
    """Which of a student's attempts counts in the gradebook (the first is the default)."""
    percent_decimals: int = 2
    """Percentages are rounded to this many decimals, half to even, as Python's ``round``."""
    score_decimals: int = 6
    """Scores (points) are rounded to this many decimals."""
    file_name_max: int = 80
    """At most this many characters of an id go into a file or folder name."""


RULES = Rules()

MODES = RULES.modes
MASK32 = RULES.seed_max
ATTEMPT_POLICIES = RULES.attempt_policies
DEFAULT_POLICY = ATTEMPT_POLICIES[0]


def is_seed(value: object) -> bool:
    """A usable variant seed: an ``int`` (not a bool) in ``0 .. RULES.seed_max``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= RULES.seed_max


def percentage(total: float, max_score: float) -> float:
    """``total`` as a percentage of ``max_score``, rounded (0 when there is nothing to score)."""
    return round(100 * total / max_score, RULES.percent_decimals) if max_score else 0.0


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """An SQL ``CHECK`` condition: ``column IN ('a', 'b')`` (the values are our own constants)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def format_number(x: float) -> str:
    """A number as a person reads it in feedback: ``13500``, ``2.5``, ``1e+20``."""
    return str(int(x)) if math.isfinite(x) and x == int(x) and abs(x) < 1e15 else repr(x)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, default: str = "student") -> str:
    """``text`` usable as a file or folder name on every system: other characters become ``_``, no leading or
    trailing ``.``/``_``, at most ``RULES.file_name_max`` characters; ``default`` when nothing is left."""
    return _UNSAFE.sub("_", text.strip()).strip("._")[:RULES.file_name_max] or default
