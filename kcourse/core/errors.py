"""The package's own errors: every problem a person sees names the file, the line, the field and the fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located and with a way to fix it."""

    file: str
    """The file as the user named it (or ``<string>``)."""
    line: int | None
    """1-based line of the offending key or value; ``None`` when the whole file is at fault."""
    path: str
    """Dotted path to the field, e.g. ``questions[2].options[0].correct``; empty for the whole file."""
    message: str
    """What is wrong."""
    fix: str = ""
    """How to fix it, in the imperative."""

    def __str__(self) -> str:
        """One line, safe for a terminal (:func:`~kcourse.core.safetext.printable`): a file name that is not
        UTF-8, or a newline in a name, shows as ``\\xNN`` and cannot forge another line."""
        from .safetext import printable

        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        fix = f" ({self.fix})" if self.fix else ""
        return printable(f"{where}:{field} {self.message}{fix}")


class KcourseError(Exception):
    """Base of every error kcourse raises on purpose. The CLI prints it without a traceback."""

    exit_code = 1

    def format_message(self) -> str:
        """The message as printed: each line through :func:`~kcourse.core.safetext.printable`."""
        from .safetext import printable_lines

        return printable_lines(str(self))


class InputError(KcourseError):
    """An input file (quiz, submission, roster) has one or more problems; all are listed."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class QuizFileError(InputError):
    """A quiz file cannot be loaded."""


class SubmissionError(InputError):
    """A submission file cannot be loaded, or does not belong to the quiz it is graded against."""


class UsageError(KcourseError):
    """The user asked for something that cannot be done (unknown quiz id, missing file, ...)."""

    exit_code = 2


class OutputError(KcourseError):
    """A file could not be written (read-only folder, full disk, missing folder); nothing was half-written."""

    exit_code = 1


_FIXES = {
    "ENOSPC": "free some disk space, or write to another disk",
    "EDQUOT": "free some space within your disk quota, or write to another disk",
    "EROFS": "the disk is read-only: write to another folder",
    "EACCES": "check its permissions, or choose another folder",
    "EPERM": "check its permissions, or choose another folder",
    "ENOENT": "check that the folder exists (create it first)",
    "ENOTDIR": "a file stands where a folder is needed: choose another path",
    "EISDIR": "a folder stands where a file is needed: name a file",
    "ENAMETOOLONG": "use a shorter path",
}


_WRITING = frozenset({"ENOSPC", "EDQUOT", "EROFS"})


def output_error(e: OSError, what: str | None = None) -> OutputError:
    """A one-line :class:`OutputError` for an ``OSError``: the path, what went wrong, and the fix."""
    import errno
    import os

    from .safetext import printable

    name = errno.errorcode.get(e.errno or 0, "")
    path = e.filename if e.filename is not None else ""
    path = printable(os.fsdecode(path)) if isinstance(path, (str, bytes)) else str(path)
    fix = _FIXES.get(name, "check the path and try again")
    what = what or ("cannot write" if name in _WRITING else "cannot use")
    reason = e.strerror or str(e)
    return OutputError(f"{what} {path or 'the output'}: {reason} ({fix}); nothing was half-written")
