"""The instructor commands: ``assign``, ``grade``, ``grades export``/``grades show``, ``feedback``, ``stats``.

Thin click shells: each parses its arguments and calls one core function with keyword arguments. Only
click and the standard library are imported here at top level; the rest loads inside the commands.
"""
from __future__ import annotations

import sys

import click

_POLICY = click.Choice(["latest", "best", "first"])
_GRADEBOOK = click.option("--gradebook", "-g", default="gradebook.sqlite", show_default=True,
                          type=click.Path(dir_okay=False), help="The gradebook file (SQLite).")


def _roster(path: str | None, id_column: str | None):
    if path is None:
        return None
    from .roster import read_roster

    return read_roster(path, id_column=id_column)


def _load(ref: str):
    """The full quiz (with its key) of a quiz id or file; a student's key-less copy is refused clearly."""
    from ..core.errors import UsageError
    from ..core.loader import load_quiz, resolve_quiz_ref
    from ..views.keyless import is_keyless_file

    path = resolve_quiz_ref(ref)
    if is_keyless_file(path):
        raise UsageError(f"{path} is a student's key-less copy of a quiz (it has no answers); give the quiz "
                         "file itself, e.g. quizzes/<quiz id>.yml, or the quiz id")
    return load_quiz(path)


def _quiz_id(ref: str) -> str:
    """A quiz id from a quiz id or a quiz file (the gradebook knows quizzes by id)."""
    from pathlib import Path

    p = Path(ref)
    if p.suffix in (".yml", ".yaml") or p.exists():
        return _load(ref).id
    return ref


def _bar(quiet: bool, desc: str):
    """A tqdm progress wrapper on standard error, shown only on a terminal, after half a second."""
    def wrap(items, total: int):
        from tqdm import tqdm

        return tqdm(items, total=total, desc=desc, unit="file", file=sys.stderr, delay=0.5, leave=False,
                    disable=quiet or not sys.stderr.isatty())
    return wrap


@click.command()
@click.argument("quiz")
@click.option("--roster", "-r", required=True, type=click.Path(dir_okay=False),
              help="The class list (CSV from Canvas, Moodle, or with columns student_id, name, email).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder to fill: one sub-folder per student, and manifest.json / manifest.csv.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
def assign(quiz: str, roster: str, out: str, id_column: str | None) -> None:
    """Write a personal assessment copy of QUIZ for every student of the roster.

    Each student's folder gets an offline HTML page and a JupyterLab notebook (with a key-less copy of their
    variant); the manifest records every student's seed and files for grading with --manifest.
    """
    from .assign import assign as run

    q = _load(quiz)
    students = _roster(roster, id_column)
    report = run(quiz=q, roster=students, out=out)
    n = len(report.manifest.assignments)
    click.echo(f"{q.id}: wrote {report.files} file(s) for {n} student(s) in {report.out} "
               f"(manifest: {report.out / 'manifest.json'})")


@click.command()
@click.argument("quiz")
@click.argument("submissions", nargs=-1, required=True)
@_GRADEBOOK
@click.option("--roster", "-r", type=click.Path(dir_okay=False),
              help="Reject submissions from students not on this class list.")
@click.option("--manifest", "-m", type=click.Path(),
              help="The manifest.json of kcourse assign: reject unknown students and seeds not assigned to them.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@click.option("--policy", type=_POLICY,
              help="Which attempt counts when a student handed in several: latest (the default for a new quiz), "
                   "best or first. Kept in the gradebook for this quiz.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the summary.")
def grade(quiz: str, submissions: tuple[str, ...], gradebook: str, roster: str | None, manifest: str | None,
          id_column: str | None, policy: str | None, quiet: bool) -> None:
    """Grade SUBMISSION files (files, folders, glob patterns or zip archives) of QUIZ into the gradebook.

    Every file is graded or rejected with its reason. The exit status is 0 only when every file was graded.
    Grading the same files again changes nothing.
    """
    from .grade import grade_run, summary
    from .manifest import read_manifest

    q = _load(quiz)
    report = grade_run(quiz=q, inputs=submissions, gradebook=gradebook, roster=_roster(roster, id_column),
                       manifest=read_manifest(manifest) if manifest else None, policy=policy,
                       progress=_bar(quiet, f"grading {q.id}"))
    from ..core.safetext import printable

    for note in report.notes:
        click.echo(f"note: {printable(note)}", err=True)
    if report.warnings and not quiet:
        for w in report.warnings[:10]:
            click.echo(f"warning: {printable(w)}", err=True)
        if len(report.warnings) > 10:
            click.echo(f"warning: ... and {len(report.warnings) - 10} more", err=True)
    click.echo(summary(report))
    sys.exit(0 if report.ok else 1)


@click.group()
def grades() -> None:
    """Look at and export the grades in the gradebook."""


@grades.command("export")
@click.argument("quiz")
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "canvas", "moodle"]),
              help="csv: one row per student; canvas: Canvas gradebook import; moodle: Moodle CSV grade import.")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@_GRADEBOOK
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--roster", "-r", type=click.Path(dir_okay=False),
              help="Take names, emails and Canvas ids from this class list; with --missing-as-zero, give 0 to "
                   "students on it who handed in nothing.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@click.option("--missing-as-zero", is_flag=True, help="Write 0 for roster students with no graded submission.")
@click.option("--scale-to", type=click.FloatRange(min=0, min_open=True), metavar="POINTS",
              help="Write grades out of POINTS instead of the quiz's points.")
@click.option("--column", metavar="TITLE", help="The grade column's title (default: 'Quiz title (quiz id)').")
def grades_export(quiz: str, fmt: str, out: str, gradebook: str, policy: str | None, roster: str | None,
                  id_column: str | None, missing_as_zero: bool, scale_to: float | None, column: str | None) -> None:
    """Write the grades of QUIZ (a quiz id or file) as a file Canvas or Moodle imports, or plain CSV."""
    from .lms_grades import export_grades

    report = export_grades(gradebook=gradebook, quiz_id=_quiz_id(quiz), fmt=fmt, out=out, policy=policy,
                           roster=_roster(roster, id_column), missing_as_zero=missing_as_zero, scale_to=scale_to,
                           column=column)
    click.echo(f"wrote {report.path}: {report.rows} student(s), column '{report.column}'")
    if report.missing:
        listed = ", ".join(s.student_id for s in report.missing[:10]) + (" ..." if len(report.missing) > 10 else "")
        click.echo(f"note: {len(report.missing)} student(s) on the roster have no graded submission and are not in "
                   f"the file (--missing-as-zero gives them 0): {listed}", err=True)


@grades.command("show")
@click.argument("quiz")
@_GRADEBOOK
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def grades_show(quiz: str, gradebook: str, policy: str | None) -> None:
    """Print the counted grade of every student for QUIZ."""
    from .answers import terminal_safe
    from .gradebook import counted_attempts, reading, students

    qid = _quiz_id(quiz)
    with reading(gradebook, qid) as (conn, row):
        chosen = counted_attempts(conn, qid, policy)
        known = students(conn)
    click.echo(f"{terminal_safe(row.title, 80)} ({qid}): {len(chosen)} student(s), counted attempt: "
               f"{policy or row.policy}")
    for sid, (a, n) in chosen.items():
        name = known[sid].name if sid in known else ""
        click.echo(f"  {terminal_safe(sid, 24):<24} {terminal_safe(name, 28):<28} {a.total:>6g} / {a.max_score:<5g} "
                   f"{a.percentage:>6g}%  {'pass' if a.passed else 'fail'}  {n} attempt{'s' if n != 1 else ''}")


@click.command()
@click.argument("quiz")
@_GRADEBOOK
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), help="Folder for the files.")
@click.option("--format", "fmt", default="html", show_default=True, type=click.Choice(["html", "md"]))
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--roster", "-r", type=click.Path(dir_okay=False), help="Take students' names from this class list.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
def feedback(quiz: str, gradebook: str, out: str, fmt: str, policy: str | None, roster: str | None,
             id_column: str | None) -> None:
    """Write one feedback file per student: their answers, the right answers, explanations and score."""
    from .feedback import write_feedback

    q = _load(quiz)
    report = write_feedback(quiz=q, gradebook=gradebook, out=out, fmt=fmt, policy=policy,
                            roster=_roster(roster, id_column))
    if report.stale:
        click.echo(f"note: {report.stale} attempt(s) were graded against an earlier version of the quiz; their "
                   "scores are as graded then (run kcourse grade on the files again to regrade)", err=True)
    click.echo(f"wrote {len(report.files)} feedback file(s) in {report.out}")


@click.command()
@click.argument("quiz")
@_GRADEBOOK
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Also write a self-contained HTML report.")
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def stats(quiz: str, gradebook: str, html_out: str | None, policy: str | None) -> None:
    """Item statistics of QUIZ: facility, discrimination, answers chosen, and flagged questions."""
    from .analysis import analyse

    q = _load(quiz)
    result = analyse(quiz=q, gradebook=gradebook, policy=policy, html_out=html_out)
    click.echo(result.table)
    if html_out:
        click.echo(f"\nwrote {html_out}")


def register(group: click.Group) -> None:
    """Add the instructor commands to the ``kcourse`` group."""
    for command in (assign, grade, grades, feedback, stats):
        group.add_command(command)
