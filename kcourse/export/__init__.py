"""Export course quizzes into learning platforms: Moodle XML, GIFT and Canvas QTI 1.2.

Each format is a pure function ``quiz -> bytes`` that reports what the format cannot hold through a
``warn`` callback (``export-unsupported`` warnings). :func:`render` picks one by name;
:mod:`kcourse.export.files` writes the results to disk atomically. ``reference/lms-export.md`` tells
how to import each file and what is lost where.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ``kcourse export --help`` imports this package: keep it to the standard library
    from ..core import model as m
    from ..core.warnings_ import WarnCallback


@dataclass(frozen=True)
class Format:
    name: str
    """The ``--format`` value."""
    suffix: str
    """Appended to the quiz id to name the output file."""
    binary: bool
    """A zip, not text: never written to standard output."""
    extensions: tuple[str, ...]
    """What a file named with ``--out`` must end with for the platform's importer to take it (the first is
    appended when it does not): Canvas takes a QTI package only as ``.zip``; Moodle's question import lists
    Moodle XML as ``.xml`` and GIFT as ``.txt`` files."""


FORMATS: dict[str, Format] = {
    "moodle": Format("moodle", ".moodle.xml", False, (".xml",)),
    "gift": Format("gift", ".gift.txt", False, (".txt", ".gift")),
    "qti": Format("qti", ".qti.zip", True, (".zip",)),
}


def render(quiz: m.Quiz, fmt: str, *, warn: WarnCallback | None = None) -> bytes:
    """``quiz`` in format ``fmt`` (``moodle``, ``gift`` or ``qti``); the same quiz always gives the same bytes.

    ``warn`` receives an ``export-unsupported`` warning for everything the format cannot hold.
    """
    from ..core.warnings_ import ignore

    warn = warn or ignore
    if fmt == "moodle":
        from .moodle import to_moodle_xml

        return to_moodle_xml(quiz, warn=warn)
    if fmt == "gift":
        from .gift import to_gift

        return to_gift(quiz, warn=warn)
    if fmt == "qti":
        from .qti import to_qti_zip

        return to_qti_zip(quiz, warn=warn)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
