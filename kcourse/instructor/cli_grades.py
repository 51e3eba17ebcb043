"""``kcourse grades``: look at and export the grades in the gradebook (export, show, status, files, excuse,
override)."""
from __future__ import annotations

import click

from .cli_common import GRADEBOOK, POLICY, SECTION, warn_versions
from .cli_common import quiz_id as quiz_id_of
from .cli_common import roster as roster_of


@click.group()
def grades() -> None:
    """Look at and export the grades in the gradebook."""


@grades.command("export")
@click.argument("quiz")
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "canvas", "moodle"]),
              help="csv: one row per student; canvas: Canvas gradebook import; moodle: Moodle CSV grade import.")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@GRADEBOOK
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--roster", "-r", type=click.Path(dir_okay=False),
              help="Take names, emails and Canvas ids from this class list; with --missing-as-zero, give 0 to "
                   "students on it who handed in nothing.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@click.option("--missing-as-zero", is_flag=True,
              help="Write 0 for roster students who handed in nothing (not for rejected or excused ones).")
@click.option("--scale-to", type=click.FloatRange(min=0, min_open=True), metavar="POINTS",
              help="Write grades out of POINTS instead of the quiz's points.")
@click.option("--column", metavar="TITLE", help="The grade column's title (default: 'Quiz title (quiz id)').")
@click.option("--worksheet", type=click.Path(dir_okay=False),
              help="With --format moodle: fill in this grading worksheet of the assignment (Download grading "
                   "worksheet) for its Upload grading worksheet, out of its Maximum grade.")
@SECTION
def grades_export(quiz: str, fmt: str, out: str, gradebook: str, policy: str | None, roster: str | None,
                  id_column: str | None, missing_as_zero: bool, scale_to: float | None, column: str | None,
                  worksheet: str | None, section: str | None) -> None:
    """Write the grades of QUIZ (a quiz id or file) as a file Canvas or Moodle imports, or plain CSV."""
    from ..core.errors import UsageError
    from .lms_grades import export_grades, export_worksheet
    from .moodle_worksheet import read_worksheet

    if worksheet:
        if fmt != "moodle" or scale_to is not None or column:
            raise UsageError("--worksheet fills in Moodle's grading worksheet: use it with --format moodle, without "
                             "--scale-to or --column (the worksheet's Maximum grade and Grade column are used)")
        report = export_worksheet(gradebook=gradebook, quiz_id=quiz_id_of(quiz), out=out, policy=policy,
                                  worksheet=read_worksheet(worksheet, times=False),
                                  roster=roster_of(roster, id_column, section), missing_as_zero=missing_as_zero)
    else:
        report = export_grades(gradebook=gradebook, quiz_id=quiz_id_of(quiz), fmt=fmt, out=out, policy=policy,
                               roster=roster_of(roster, id_column, section), missing_as_zero=missing_as_zero,
                               scale_to=scale_to, column=column)
    if report.warning:
        click.echo(report.warning, err=True)
    click.echo(f"wrote {report.path}: {report.rows} student(s), column '{report.column}'")
    for status, people in report.left_out.items():
        if not people:
            continue
        listed = ", ".join(s.student_id for s in people[:10]) + (" ..." if len(people) > 10 else "")
        why = {"missing": "on the roster handed in nothing (--missing-as-zero gives them 0)",
               "rejected": "on the roster had every file rejected (see kcourse grades status; not given 0)",
               "not on the roster": "in the gradebook are not on the roster (dropped?)",
               "not in the worksheet": "have a grade but no row in the worksheet (enrolled after it was "
                                       "downloaded? download it again)"}[status]
        click.echo(f"note: {len(people)} student(s) {why} and are not in the file: {listed}", err=True)


@grades.command("show")
@click.argument("quiz")
@GRADEBOOK
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def grades_show(quiz: str, gradebook: str, policy: str | None) -> None:
    """Print the counted grade of every student for QUIZ (after late penalties and overrides)."""
    from .answers import terminal_safe
    from .classbook import class_status, round_score
    from .gradebook import reading

    qid = quiz_id_of(quiz)
    with reading(gradebook, qid) as (conn, row):
        warn_versions(conn, qid)
        rows = [r for r in class_status(conn, qid, policy=policy) if r.attempt is not None or r.score is not None]
    click.echo(f"{terminal_safe(row.title, 80)} ({qid}): {len(rows)} student(s), counted attempt: "
               f"{policy or row.policy}")
    for r in rows:
        a, n, score = r.attempt, r.attempts, r.score or 0.0
        pct = round_score(100 * score / r.max_score) if r.max_score else "0"
        note = f"  {r.status}" + (f": {terminal_safe(r.reason, 60)}" if r.reason else "") if r.status != "graded" \
            else (f"  {terminal_safe(r.comment, 60)}" if r.comment else "")
        click.echo(f"  {terminal_safe(r.student.student_id, 24):<24} {terminal_safe(r.student.name, 28):<28} "
                   f"{round_score(score):>6} / {round_score(r.max_score):<5} {pct:>6}%  "
                   f"{('pass' if a.passed else 'fail') if a else '-':<4}  {n} attempt{'s' if n != 1 else ''}{note}")


@grades.command("status")
@click.argument("quiz")
@GRADEBOOK
@click.option("--roster", "-r", type=click.Path(dir_okay=False), help="The class list: its students who handed in "
                                                                      "nothing are listed as missing.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@SECTION
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--only", multiple=True, type=click.Choice(["graded", "late", "rejected", "missing", "excused"]),
              help="Only students with this status (repeat for several).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Also write the list as CSV.")
def grades_status(quiz: str, gradebook: str, roster: str | None, id_column: str | None, section: str | None,
                  policy: str | None, only: tuple[str, ...], out: str | None) -> None:
    """Every student's final status for QUIZ: graded, late, rejected (with the reason), missing or excused."""
    from .answers import terminal_safe
    from .classbook import STATUSES, class_status, round_score, status_csv
    from .files import write_text_atomically
    from .gradebook import reading

    qid = quiz_id_of(quiz)
    students = roster_of(roster, id_column, section)
    with reading(gradebook, qid) as (conn, row):
        warn_versions(conn, qid)
        rows = class_status(conn, qid, policy=policy, roster=students)
    if only:
        rows = [r for r in rows if r.status in only]
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    click.echo(f"{terminal_safe(row.title, 80)} ({qid}): " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for r in rows:
        score = "" if r.score is None else f"{round_score(r.score)} / {round_score(r.max_score)}"
        click.echo(f"  {r.status:<8} {terminal_safe(r.student.student_id, 20):<20} "
                   f"{terminal_safe(r.student.name, 26):<26} {score:<13} {terminal_safe(r.reason, 100)}")
        for f in r.flags:
            click.echo(f"           flag: {terminal_safe(f, 110)}")
    if out:
        write_text_atomically(out, status_csv(rows))
        click.echo(f"wrote {out}")


@grades.command("files")
@click.argument("quiz")
@GRADEBOOK
@click.option("--policy", type=POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Also write the list as CSV.")
def grades_files(quiz: str, gradebook: str, policy: str | None, out: str | None) -> None:
    """Every file the gradebook has seen for QUIZ: counted, superseded (and by which), or rejected (and why)."""
    from .answers import terminal_safe
    from .classbook import file_outcomes, outcomes_csv
    from .files import write_text_atomically
    from .gradebook import reading

    qid = quiz_id_of(quiz)
    with reading(gradebook, qid) as (conn, _row):
        warn_versions(conn, qid)
        rows = file_outcomes(conn, qid, policy=policy)
    for r in rows:
        click.echo(f"  {r.outcome:<10} {'late' if r.late else '':<4} {terminal_safe(r.student_id or '?', 20):<20} "
                   f"{terminal_safe(r.source, 90)}" + (f"\n             {terminal_safe(r.detail, 110)}" if r.detail
                                                       else ""))
    if out:
        write_text_atomically(out, outcomes_csv(rows))
        click.echo(f"wrote {out}")


@grades.command("excuse")
@click.argument("quiz")
@click.argument("student_ids", nargs=-1, required=True)
@GRADEBOOK
@click.option("--comment", default="", help="Why (kept in the gradebook, shown in grades status).")
@click.option("--undo", is_flag=True, help="Take the excuse back.")
def grades_excuse(quiz: str, student_ids: tuple[str, ...], gradebook: str, comment: str, undo: bool) -> None:
    """Excuse STUDENT_IDS from QUIZ: Canvas's export gets EX, the others leave them out."""
    from .classbook import set_excused
    from .gradebook import reading

    qid = quiz_id_of(quiz)
    with reading(gradebook, qid) as (conn, _row):
        n = set_excused(conn, qid, student_ids, comment, undo=undo)
    click.echo(f"{'un-excused' if undo else 'excused'} {len(student_ids)} student(s) from {qid} ({n} change(s))")


@grades.command("override")
@click.argument("quiz")
@click.argument("student_id")
@click.argument("score", required=False, type=float)
@GRADEBOOK
@click.option("--comment", default="", help="Why (required with a score; shown in grades status and feedback).")
@click.option("--remove", is_flag=True, help="Remove the override: the graded score counts again.")
def grades_override(quiz: str, student_id: str, score: float | None, gradebook: str, comment: str,
                    remove: bool) -> None:
    """Set STUDENT_ID's score for QUIZ by hand, with a --comment saying why (it survives regrading)."""
    from ..core.errors import UsageError
    from .classbook import set_override
    from .gradebook import reading

    if not remove and (score is None or not comment.strip()):
        raise UsageError("give the score and a --comment saying why (or --remove)")
    if not remove and score is not None and not 0 <= score < float("inf"):
        raise UsageError(f"score: {score:g} is not a score; give a number from 0 to the quiz's maximum")
    qid = quiz_id_of(quiz)
    with reading(gradebook, qid) as (conn, _row):
        top = conn.execute("SELECT MAX(max_score) FROM attempts WHERE quiz_id = ?", (qid,)).fetchone()[0]
        if not remove and score is not None and top is not None and score > top:
            raise UsageError(f"score: {score:g} is more than the quiz's maximum of {top:g}; give a number from 0 "
                             f"to {top:g}")
        set_override(conn, qid, student_id, None if remove else score, comment.strip())
    click.echo(f"{qid}: {student_id}: " + ("override removed" if remove else f"score set to {score:g} ({comment})"))
