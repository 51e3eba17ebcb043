"""The instructor commands: ``assign``, ``grade``, ``grades ...`` (:mod:`kcourse.instructor.cli_grades`),
``feedback``, ``stats``, ``regrade``; what they share is :mod:`kcourse.instructor.cli_common`.

Thin click shells: each parses its arguments and calls one core function with keyword arguments. Only
click and the standard library are imported here at top level; the rest loads inside the commands.
"""
from __future__ import annotations

import sys

import click

from ..core.safetext import printable
from .cli_common import GRADEBOOK, POLICY, SECTION, bar, load, warn_versions
from .cli_common import roster as roster_of
from .cli_grades import grades


@click.command()
@click.argument("quiz")
@click.option("--roster", "-r", required=True, type=click.Path(dir_okay=False),
              help="The class list (CSV from Canvas, Moodle, or with columns student_id, name, email).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder to fill: one sub-folder per student, and manifest.json / manifest.csv.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@SECTION
@click.option("--class-page", is_flag=True,
              help="Also write OUT/<quiz>-class.html: one page for the whole class; each student types their id, "
                   "sees their name, and gets their own variant (the page shows the class list's names).")
def assign(quiz: str, roster: str, out: str, id_column: str | None, section: str | None, class_page: bool) -> None:
    """Write a personal assessment copy of QUIZ for every student of the roster.

    Each student's folder gets an offline HTML page and a JupyterLab notebook (with a key-less copy of their
    variant); the manifest records every student's seed and files for grading with --manifest.
    """
    from .assign import assign as run

    q = load(quiz)
    students = roster_of(roster, id_column, section)
    report = run(quiz=q, roster=students, out=out, class_page=class_page)
    n = len(report.manifest.assignments)
    click.echo(f"{q.id}: wrote {report.files} file(s) for {n} student(s) in {printable(str(report.out))} "
               f"(manifest: {printable(str(report.out / 'manifest.json'))})")
    if class_page:
        click.echo(f"class page: {printable(str(report.out / (q.id + '-class.html')))}")


@click.command()
@click.argument("quiz")
@click.argument("submissions", nargs=-1, required=True)
@GRADEBOOK
@click.option("--roster", "-r", type=click.Path(dir_okay=False),
              help="Reject submissions from students not on this class list.")
@click.option("--manifest", "-m", type=click.Path(),
              help="The manifest.json of kcourse assign: reject unknown students and seeds not assigned to them.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@click.option("--policy", type=POLICY,
              help="Which attempt counts when a student handed in several: latest (the default for a new quiz), "
                   "best, first or latest-on-time. Kept in the gradebook for this quiz.")
@click.option("--due", metavar="TIME", help="The due date and time (2026-12-01T23:59Z or with an offset, +01:00); "
                                            "kept for this quiz.")
@click.option("--grace", type=click.FloatRange(min=0), metavar="MINUTES", help="Minutes after --due still on time.")
@click.option("--late-penalty", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Take PERCENT of the maximum per started day late (Canvas's LATE marker alone: one day).")
@click.option("--extensions", type=click.Path(dir_okay=False), help="CSV of student_id,due: per-student due dates.")
@click.option("--opens", metavar="TIME", help="When the quiz was handed out: earlier submission times are not trusted "
                                              "(default: the manifest's time).")
@click.option("--no-platform-names", is_flag=True,
              help="Do not read the uploader from Canvas/Moodle file names (nor Canvas's LATE marker).")
@click.option("--worksheet", type=click.Path(dir_okay=False),
              help="Moodle's grading worksheet of the assignment (Download grading worksheet): who each participant "
                   "of the submissions zip is, and Moodle's own submission times and late marks.")
@click.option("--timezone", "tz", metavar="ZONE",
              help="The time zone of the worksheet's times (your Moodle profile's): Europe/Berlin, UTC, +01:00.")
@SECTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the summary.")
def grade(quiz: str, submissions: tuple[str, ...], gradebook: str, roster: str | None, manifest: str | None,
          id_column: str | None, policy: str | None, due: str | None, grace: float | None,
          late_penalty: float | None, extensions: str | None, opens: str | None, no_platform_names: bool,
          worksheet: str | None, tz: str | None, section: str | None, quiet: bool) -> None:
    """Grade SUBMISSION files (files, folders, glob patterns or zip archives) of QUIZ into the gradebook.

    Every file is graded or rejected with its reason. The exit status is 0 only when every file was graded.
    Grading the same files again changes nothing.
    """
    from .classbook import read_extensions, utc
    from .grade import DeadlineArgs, grade_run, summary
    from .manifest import read_manifest
    from .moodle_worksheet import read_worksheet, zone

    q = load(quiz)
    students = roster_of(roster, id_column, section)
    sheet = read_worksheet(worksheet, tz=zone(tz) if tz else None, cells=False) if worksheet else None
    deadline = DeadlineArgs(due=utc(due, what="--due") if due else None, grace_min=grace, penalty_pct=late_penalty,
                            opens=utc(opens, what="--opens") if opens else None,
                            extensions=read_extensions(extensions, students) if extensions else None)
    report = grade_run(quiz=q, inputs=submissions, gradebook=gradebook, roster=students,
                       manifest=read_manifest(manifest) if manifest else None, policy=policy,
                       progress=bar(quiet, f"grading {q.id}"), deadline=deadline,
                       platform_names=not no_platform_names, worksheet=sheet)
    for note in report.notes:
        click.echo(f"note: {printable(note)}", err=True)
    if report.warnings and not quiet:
        for w in report.warnings[:10]:
            click.echo(f"warning: {printable(w)}", err=True)
        if len(report.warnings) > 10:
            click.echo(f"warning: ... and {len(report.warnings) - 10} more", err=True)
    click.echo(summary(report))
    sys.exit(0 if report.ok else 1)


@click.command()
@click.argument("quiz")
@GRADEBOOK
@click.option("--out", "-o", required=True, type=click.Path(),
              help="Folder for the files; with --for, the zip file to write.")
@click.option("--format", "fmt", default="html", show_default=True, type=click.Choice(["html", "md"]))
@click.option("--for", "platform", type=click.Choice(["canvas", "moodle"]),
              help="One zip for the platform's upload: Canvas 'Re-upload submissions' or Moodle 'Upload multiple "
                   "feedback files in a zip' (HTML pages).")
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--roster", "-r", type=click.Path(dir_okay=False), help="Take students' names from this class list.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
def feedback(quiz: str, gradebook: str, out: str, fmt: str, platform: str | None, policy: str | None,
             roster: str | None, id_column: str | None) -> None:
    """Write one feedback page per student: their answers, the right answers, explanations and score."""
    q = load(quiz)
    if platform:
        from .lms_feedback import pack_feedback

        packed = pack_feedback(quiz=q, gradebook=gradebook, out=out, platform=platform, policy=policy,
                               roster=roster_of(roster, id_column))
        click.echo(f"wrote {printable(str(packed.path))}: feedback for {packed.packed} student(s), "
                   f"named for {platform}")
        for why in packed.left_out:
            click.echo(f"note: left out {printable(why)}", err=True)
        return
    from .feedback import write_feedback

    report = write_feedback(quiz=q, gradebook=gradebook, out=out, fmt=fmt, policy=policy,
                            roster=roster_of(roster, id_column))
    click.echo(f"wrote {report.count} feedback file(s) in {printable(str(report.out))}")


@click.command()
@click.argument("quiz")
@GRADEBOOK
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Also write a self-contained HTML report.")
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def stats(quiz: str, gradebook: str, html_out: str | None, policy: str | None) -> None:
    """Item statistics of QUIZ: facility, discrimination, answers chosen, and flagged questions."""
    from .analysis import analyse
    from .gradebook import reading

    q = load(quiz)
    with reading(gradebook, q.id) as (conn, _row):
        warn_versions(conn, q.id)
    result = analyse(quiz=q, gradebook=gradebook, policy=policy, html_out=html_out)
    click.echo(result.table)
    if html_out:
        click.echo(f"\nwrote {printable(html_out)}")


@click.command()
@click.argument("quiz")
@GRADEBOOK
@click.option("--accept", multiple=True, metavar="QID=ANSWER",
              help="Also give full marks for ANSWER (JSON: b, true, 13500, [\"a\",\"c\"]) to question QID "
                   "(accept both). Kept for later runs; repeat for several.")
@click.option("--credit", multiple=True, metavar="QID", help="Give everyone asked question QID its full marks. Kept "
                                                              "for later runs; repeat for several.")
def regrade(quiz: str, gradebook: str, accept: tuple[str, ...], credit: tuple[str, ...]) -> None:
    """Grade every stored submission of QUIZ again against the quiz file as it is now (after a key fix).

    The gradebook keeps each submission's text, so no files are needed. Per-student overrides stay.
    """
    from .classbook import round_score
    from .regrade import regrade as run

    q = load(quiz)
    report = run(quiz=q, gradebook=gradebook, accept=accept, credit=credit)
    click.echo(f"{q.id}: regraded {report.attempts} attempt(s) against {report.digest}; {report.changed} score(s) "
               "changed")
    for sid, old, new in report.students_changed[:50]:
        click.echo(f"  {sid}: {round_score(old)} -> {round_score(new)}")
    if report.changed > 50:
        click.echo(f"  ... and {report.changed - 50} more")
    for f in report.failed:
        click.echo(f"warning: not regraded, kept as it was: {printable(str(f))}", err=True)
    if report.failed_total > len(report.failed):
        click.echo(f"warning: {report.failed_total - len(report.failed)} more attempt(s) not regraded", err=True)


def register(group: click.Group) -> None:
    """Add the instructor commands to the ``kcourse`` group."""
    for command in (assign, grade, grades, feedback, stats, regrade):
        group.add_command(command)
