"""The instructor commands: ``assign``, ``grade``, ``grades export``/``grades show``, ``feedback``, ``stats``.

Thin click shells: each parses its arguments and calls one core function with keyword arguments. Only
click and the standard library are imported here at top level; the rest loads inside the commands.
"""
from __future__ import annotations

import sys

import click

from ..core.rules import ATTEMPT_POLICIES

_POLICY = click.Choice(ATTEMPT_POLICIES)
_GRADEBOOK = click.option("--gradebook", "-g", default="gradebook.sqlite", show_default=True,
                          type=click.Path(dir_okay=False),
                          help="The gradebook: a SQLite file, or a PostgreSQL database as postgresql://USER@HOST/DB "
                               "(password in ~/.pgpass or PGPASSWORD).")


def _roster(path: str | None, id_column: str | None, section: str | None = None):
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


_SECTION = click.option("--section", metavar="NAME", help="Only the students of this section (Canvas Section, "
                                                           "Moodle Groups column of the roster).")


def _warn_versions(conn, qid: str) -> None:
    from .classbook import mixed_versions_warning

    w = mixed_versions_warning(conn, qid)
    if w:
        click.echo(w, err=True)


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
@_SECTION
@click.option("--class-page", is_flag=True,
              help="Also write OUT/<quiz>-class.html: one page for the whole class; each student types their id, "
                   "sees their name, and gets their own variant (the page shows the class list's names).")
def assign(quiz: str, roster: str, out: str, id_column: str | None, section: str | None, class_page: bool) -> None:
    """Write a personal assessment copy of QUIZ for every student of the roster.

    Each student's folder gets an offline HTML page and a JupyterLab notebook (with a key-less copy of their
    variant); the manifest records every student's seed and files for grading with --manifest.
    """
    from .assign import assign as run

    q = _load(quiz)
    students = _roster(roster, id_column, section)
    report = run(quiz=q, roster=students, out=out, class_page=class_page)
    n = len(report.manifest.assignments)
    click.echo(f"{q.id}: wrote {report.files} file(s) for {n} student(s) in {report.out} "
               f"(manifest: {report.out / 'manifest.json'})")
    if class_page:
        click.echo(f"class page: {report.out / (q.id + '-class.html')}")


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
@_SECTION
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the summary.")
def grade(quiz: str, submissions: tuple[str, ...], gradebook: str, roster: str | None, manifest: str | None,
          id_column: str | None, policy: str | None, due: str | None, grace: float | None,
          late_penalty: float | None, extensions: str | None, opens: str | None, no_platform_names: bool,
          section: str | None, quiet: bool) -> None:
    """Grade SUBMISSION files (files, folders, glob patterns or zip archives) of QUIZ into the gradebook.

    Every file is graded or rejected with its reason. The exit status is 0 only when every file was graded.
    Grading the same files again changes nothing.
    """
    from .classbook import read_extensions, utc
    from .grade import DeadlineArgs, grade_run, summary
    from .manifest import read_manifest

    q = _load(quiz)
    students = _roster(roster, id_column, section)
    deadline = DeadlineArgs(due=utc(due, what="--due") if due else None, grace_min=grace, penalty_pct=late_penalty,
                            opens=utc(opens, what="--opens") if opens else None,
                            extensions=read_extensions(extensions, students) if extensions else None)
    report = grade_run(quiz=q, inputs=submissions, gradebook=gradebook, roster=students,
                       manifest=read_manifest(manifest) if manifest else None, policy=policy,
                       progress=_bar(quiet, f"grading {q.id}"), deadline=deadline,
                       platform_names=not no_platform_names)
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
@click.option("--missing-as-zero", is_flag=True,
              help="Write 0 for roster students who handed in nothing (not for rejected or excused ones).")
@click.option("--scale-to", type=click.FloatRange(min=0, min_open=True), metavar="POINTS",
              help="Write grades out of POINTS instead of the quiz's points.")
@click.option("--column", metavar="TITLE", help="The grade column's title (default: 'Quiz title (quiz id)').")
@_SECTION
def grades_export(quiz: str, fmt: str, out: str, gradebook: str, policy: str | None, roster: str | None,
                  id_column: str | None, missing_as_zero: bool, scale_to: float | None, column: str | None,
                  section: str | None) -> None:
    """Write the grades of QUIZ (a quiz id or file) as a file Canvas or Moodle imports, or plain CSV."""
    from .lms_grades import export_grades

    report = export_grades(gradebook=gradebook, quiz_id=_quiz_id(quiz), fmt=fmt, out=out, policy=policy,
                           roster=_roster(roster, id_column, section), missing_as_zero=missing_as_zero,
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
               "not on the roster": "in the gradebook are not on the roster (dropped?)"}[status]
        click.echo(f"note: {len(people)} student(s) {why} and are not in the file: {listed}", err=True)


@grades.command("show")
@click.argument("quiz")
@_GRADEBOOK
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def grades_show(quiz: str, gradebook: str, policy: str | None) -> None:
    """Print the counted grade of every student for QUIZ (after late penalties and overrides)."""
    from .answers import terminal_safe
    from .classbook import class_status, round_score
    from .gradebook import reading

    qid = _quiz_id(quiz)
    with reading(gradebook, qid) as (conn, row):
        _warn_versions(conn, qid)
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
@_GRADEBOOK
@click.option("--roster", "-r", type=click.Path(dir_okay=False), help="The class list: its students who handed in "
                                                                      "nothing are listed as missing.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
@_SECTION
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
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

    qid = _quiz_id(quiz)
    students = _roster(roster, id_column, section)
    with reading(gradebook, qid) as (conn, row):
        _warn_versions(conn, qid)
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
@_GRADEBOOK
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), help="Also write the list as CSV.")
def grades_files(quiz: str, gradebook: str, policy: str | None, out: str | None) -> None:
    """Every file the gradebook has seen for QUIZ: counted, superseded (and by which), or rejected (and why)."""
    from .answers import terminal_safe
    from .classbook import file_outcomes, outcomes_csv
    from .files import write_text_atomically
    from .gradebook import reading

    qid = _quiz_id(quiz)
    with reading(gradebook, qid) as (conn, _row):
        _warn_versions(conn, qid)
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
@_GRADEBOOK
@click.option("--comment", default="", help="Why (kept in the gradebook, shown in grades status).")
@click.option("--undo", is_flag=True, help="Take the excuse back.")
def grades_excuse(quiz: str, student_ids: tuple[str, ...], gradebook: str, comment: str, undo: bool) -> None:
    """Excuse STUDENT_IDS from QUIZ: Canvas's export gets EX, the others leave them out."""
    from .classbook import set_excused
    from .gradebook import reading

    qid = _quiz_id(quiz)
    with reading(gradebook, qid) as (conn, _row):
        n = set_excused(conn, qid, student_ids, comment, undo=undo)
    click.echo(f"{'un-excused' if undo else 'excused'} {len(student_ids)} student(s) from {qid} ({n} change(s))")


@grades.command("override")
@click.argument("quiz")
@click.argument("student_id")
@click.argument("score", required=False, type=float)
@_GRADEBOOK
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
    qid = _quiz_id(quiz)
    with reading(gradebook, qid) as (conn, _row):
        set_override(conn, qid, student_id, None if remove else score, comment.strip())
    click.echo(f"{qid}: {student_id}: " + ("override removed" if remove else f"score set to {score:g} ({comment})"))


@click.command()
@click.argument("quiz")
@_GRADEBOOK
@click.option("--out", "-o", required=True, type=click.Path(),
              help="Folder for the files; with --for, the zip file to write.")
@click.option("--format", "fmt", default="html", show_default=True, type=click.Choice(["html", "md"]))
@click.option("--for", "platform", type=click.Choice(["canvas", "moodle"]),
              help="One zip for the platform's upload: Canvas 'Re-upload submissions' or Moodle 'Upload multiple "
                   "feedback files in a zip' (HTML pages).")
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
@click.option("--roster", "-r", type=click.Path(dir_okay=False), help="Take students' names from this class list.")
@click.option("--id-column", metavar="NAME", help="The roster column with the student ids (default: guessed).")
def feedback(quiz: str, gradebook: str, out: str, fmt: str, platform: str | None, policy: str | None,
             roster: str | None, id_column: str | None) -> None:
    """Write one feedback page per student: their answers, the right answers, explanations and score."""
    q = _load(quiz)
    if platform:
        from .lms_feedback import pack_feedback

        packed = pack_feedback(quiz=q, gradebook=gradebook, out=out, platform=platform, policy=policy,
                               roster=_roster(roster, id_column))
        click.echo(f"wrote {packed.path}: feedback for {packed.packed} student(s), named for {platform}")
        for why in packed.left_out:
            click.echo(f"note: left out {why}", err=True)
        return
    from .feedback import write_feedback

    report = write_feedback(quiz=q, gradebook=gradebook, out=out, fmt=fmt, policy=policy,
                            roster=_roster(roster, id_column))
    click.echo(f"wrote {len(report.files)} feedback file(s) in {report.out}")


@click.command()
@click.argument("quiz")
@_GRADEBOOK
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Also write a self-contained HTML report.")
@click.option("--policy", type=_POLICY, help="Which attempt counts (default: the one kept for this quiz).")
def stats(quiz: str, gradebook: str, html_out: str | None, policy: str | None) -> None:
    """Item statistics of QUIZ: facility, discrimination, answers chosen, and flagged questions."""
    from .analysis import analyse
    from .gradebook import reading

    q = _load(quiz)
    with reading(gradebook, q.id) as (conn, _row):
        _warn_versions(conn, q.id)
    result = analyse(quiz=q, gradebook=gradebook, policy=policy, html_out=html_out)
    click.echo(result.table)
    if html_out:
        click.echo(f"\nwrote {html_out}")


@click.command()
@click.argument("quiz")
@_GRADEBOOK
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

    q = _load(quiz)
    report = run(quiz=q, gradebook=gradebook, accept=accept, credit=credit)
    click.echo(f"{q.id}: regraded {report.attempts} attempt(s) against {report.digest}; {report.changed} score(s) "
               "changed")
    for sid, old, new in report.students_changed[:50]:
        click.echo(f"  {sid}: {round_score(old)} -> {round_score(new)}")
    for f in report.failed:
        click.echo(f"warning: not regraded, kept as it was: {f}", err=True)


def register(group: click.Group) -> None:
    """Add the instructor commands to the ``kcourse`` group."""
    for command in (assign, grade, grades, feedback, stats, regrade):
        group.add_command(command)
