"""What the instructor commands share: the gradebook, policy and section options, reading the roster and the
quiz (a key-less copy refused), the progress bar. Only click and the standard library at top level."""
from __future__ import annotations

import sys

import click

from ..core.rules import ATTEMPT_POLICIES

POLICY = click.Choice(ATTEMPT_POLICIES)
GRADEBOOK = click.option("--gradebook", "-g", default="gradebook.sqlite", show_default=True,
                          type=click.Path(dir_okay=False),
                          help="The gradebook: a SQLite file, or a PostgreSQL database as postgresql://USER@HOST/DB "
                               "(password in ~/.pgpass or PGPASSWORD).")


def roster(path: str | None, id_column: str | None, section: str | None = None):
    """The class list, telling on standard error which rows were skipped (test student, no id, ...)."""
    if path is None:
        if section:
            from ..core.errors import UsageError

            raise UsageError("--section needs --roster (the class list says who is in which section)")
        return None
    from .roster import read_roster

    roster = read_roster(path, id_column=id_column)
    if roster.skipped:
        click.echo(f"note: {roster.source}: {len(roster)} student(s); skipped {len(roster.skipped)} row(s) that are "
                   "not students:", err=True)
        for k in roster.skipped:
            click.echo(f"  {k}", err=True)
    for n in roster.notes:
        click.echo(f"note: {n}", err=True)
    if section:
        roster = roster.in_section(section)
        click.echo(f"note: section '{section}': {len(roster)} student(s)", err=True)
    return roster


SECTION = click.option("--section", metavar="NAME", help="Only the students of this section (Canvas Section, "
                                                           "Moodle Groups column of the roster).")


def warn_versions(conn, qid: str) -> None:
    from .classbook import mixed_versions_warning

    w = mixed_versions_warning(conn, qid)
    if w:
        click.echo(w, err=True)


def load(ref: str):
    """The full quiz (with its key) of a quiz id or file; a student's key-less copy is refused clearly."""
    from ..core.errors import UsageError
    from ..core.loader import load_quiz, resolve_quiz_ref
    from ..views.keyless import is_keyless_file

    path = resolve_quiz_ref(ref)
    if is_keyless_file(path):
        raise UsageError(f"{path} is a student's key-less copy of a quiz (it has no answers); give the quiz "
                         "file itself, e.g. quizzes/<quiz id>.yml, or the quiz id")
    return load_quiz(path)


def quiz_id(ref: str) -> str:
    """A quiz id from a quiz id or a quiz file (the gradebook knows quizzes by id)."""
    from pathlib import Path

    p = Path(ref)
    if p.suffix in (".yml", ".yaml") or p.exists():
        return load(ref).id
    return ref


def bar(quiet: bool, desc: str):
    """A tqdm progress wrapper on standard error, shown only on a terminal, after half a second."""
    def wrap(items, total: int):
        from tqdm import tqdm

        return tqdm(items, total=total, desc=desc, unit="file", file=sys.stderr, delay=0.5, leave=False,
                    disable=quiet or not sys.stderr.isatty())
    return wrap
