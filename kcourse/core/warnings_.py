"""Typed warnings: each kind can be silenced; the core receives a ``warn`` callback, never a logger."""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class WarningKind(enum.Enum):
    OPTION_FEEDBACK = "option-feedback"
    """A wrong choice option has no feedback naming its misconception."""
    RELATIVE_ZERO = "relative-zero"
    """A relative tolerance around an answer of 0 accepts only exactly 0."""
    ALL_CORRECT = "all-correct"
    """Every option of a multiple-select question is correct."""
    SUBMISSION_UNKNOWN_KEY = "submission-unknown-key"
    """A submission file has a key this version does not know; it is ignored (e.g. a score)."""
    EXPORT_UNSUPPORTED = "export-unsupported"
    """An export format cannot express a question type; the question was changed or left out."""


@dataclass(frozen=True)
class KcourseWarning:
    kind: WarningKind
    message: str
    """Already located: ``file:line: path: text``."""

    def __str__(self) -> str:
        from .safetext import printable

        return printable(f"{self.message} [kcourse.{self.kind.value}]")


WarnCallback = Callable[[KcourseWarning], None]


def ignore(_: KcourseWarning) -> None:
    """A ``warn`` callback that drops everything."""


def filtered(warn: WarnCallback, silenced: set[str] | frozenset[str]) -> WarnCallback:
    """Wrap ``warn`` so that the kinds named in ``silenced`` are dropped.

    Kinds may be named with or without the prefix: ``option-feedback`` or ``kcourse.option-feedback``."""
    names = {s.removeprefix("kcourse.") for s in silenced}

    def _warn(w: KcourseWarning) -> None:
        if w.kind.value not in names:
            warn(w)

    return _warn
