"""Which attempt counts when a student handed in several: the quiz's policy, as a sort key (pure: no SQL)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from .rows import AttemptRow
from .schema import POLICIES


def policy_key(policy: str, late: Callable[[AttemptRow], bool] | None = None) -> Callable[[AttemptRow], tuple]:
    """The sort key whose maximum is the attempt that counts under ``policy`` (``late`` tells which attempts
    are late, for ``latest-on-time``). An attempt without a (trusted) time never beats one with a time."""
    if policy == "latest":
        return lambda a: (a.sort_time, a.sha256)
    if policy == "first":
        return lambda a: (a.sort_time != "", _invert(a.sort_time), _invert(a.sha256))
    if policy == "best":
        return lambda a: (a.total, a.sort_time, a.sha256)
    if policy == "latest-on-time":
        is_late = late or (lambda a: bool(a.platform_late))
        return lambda a: (not is_late(a), a.sort_time, a.sha256)
    raise ValueError(f"unknown policy {policy!r}; one of {', '.join(POLICIES)}")


def _invert(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text) + (1,)


def counted(rows: Iterable[AttemptRow], policy: str, late: Callable[[AttemptRow], bool] | None = None
            ) -> dict[str, tuple[AttemptRow, int]]:
    """Per student: the attempt that counts under ``policy`` and how many attempts they made."""
    key = policy_key(policy, late)
    best: dict[str, tuple[AttemptRow, int]] = {}
    for a in rows:
        if a.student_id in best:
            cur, n = best[a.student_id]
            best[a.student_id] = (a if key(a) > key(cur) else cur, n + 1)
        else:
            best[a.student_id] = (a, 1)
    return dict(sorted(best.items()))

