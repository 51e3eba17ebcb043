"""``kcourse export``: write quizzes as Moodle XML, GIFT or Canvas QTI for import into a learning platform."""
from __future__ import annotations

import sys

import click


@click.command("export")
@click.argument("quiz", required=False)
@click.option("--format", "fmt", required=True, type=click.Choice(["moodle", "gift", "qti"]),
              help="moodle: Moodle XML; gift: Moodle's GIFT text; qti: a Canvas QTI 1.2 zip.")
@click.option("--out", "-o", metavar="FILE|DIR",
              help="Output file (default: <quiz id>.moodle.xml, .gift.txt or .qti.zip here; '-' for standard "
                   "output); with --all, the folder to fill.")
@click.option("--all", "all_quizzes", is_flag=True, help="Export every quiz of the course's quizzes/ folder.")
@click.option("--silence", "-s", multiple=True, metavar="KIND",
              help="Do not show warnings of this kind (e.g. export-unsupported). Repeatable.")
def export(quiz: str | None, fmt: str, out: str | None, all_quizzes: bool, silence: tuple[str, ...]) -> None:
    """Export QUIZ (a file or quiz id), or --all quizzes, for Moodle or Canvas.

    What a format cannot express is said in a warning naming the question and what was done with it;
    reference/lms-export.md lists it all.
    """
    from ..core.warnings_ import filtered
    from .files import export_files

    def show(w) -> None:
        click.echo(f"warning: {w}", err=True)

    report = export_files(quiz=quiz, all_quizzes=all_quizzes, fmt=fmt, out=out,
                          warn=filtered(show, frozenset(silence)))
    if report.stdout is not None:
        sys.stdout.buffer.write(report.stdout)
        sys.stdout.flush()
    for p in report.problems:
        click.echo(str(p), err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for path in report.written:
        click.echo(f"wrote {path}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s): the quizzes with problems were not exported", err=True)
        sys.exit(1)
