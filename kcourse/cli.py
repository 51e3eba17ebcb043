"""The ``kcourse`` command: a thin shell. Each command parses its arguments and calls the core.

Heavy modules (yaml, jsonschema, ipywidgets, matplotlib) are imported inside the commands that need
them, so ``kcourse --help`` starts fast.
"""
from __future__ import annotations

import sys

import click

from . import __version__
from .core.i18n import DEFAULT as DEFAULT_LANGUAGE
from .core.i18n import LANGUAGES
from .core.rules import MASK32


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kcourse")
@click.option("--course", type=click.Path(), metavar="DIR",
              help="The course folder (with quizzes/) to work on; default: the one holding the current folder.")
def cli(course: str | None) -> None:
    """kcourse: check, show and grade quizzes; assign, collect and export them."""
    if course is not None:
        import os
        from pathlib import Path

        from .core.loader import COURSE_ENV, find_quizzes_dir
        from .core.safetext import printable

        where, fix = printable(course), "give the course folder, the one holding quizzes/"
        if not os.path.exists(course):
            raise click.BadParameter(f"{where} does not exist ({fix})", param_hint="--course")
        if not os.path.isdir(course):
            raise click.BadParameter(f"{where} is a file, not a folder ({fix})", param_hint="--course")
        if find_quizzes_dir(Path(course)) is None:
            raise click.BadParameter(f"no quizzes/ folder in {where} or above it ({fix})", param_hint="--course")
        os.environ[COURSE_ENV] = str(Path(course).resolve())


def _silencer(silence: tuple[str, ...]):
    from .core.warnings_ import filtered

    def show(w) -> None:
        click.echo(f"warning: {w}", err=True)

    return filtered(show, frozenset(silence))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--silence", "-s", multiple=True, metavar="KIND",
              help="Do not show warnings of this kind (e.g. option-feedback). Repeatable.")
@click.option("--strict", is_flag=True, help="Treat warnings as problems (exit status 1).")
def validate(paths: tuple[str, ...], silence: tuple[str, ...], strict: bool) -> None:
    """Check quiz files (default: the quizzes/ folder) and print every problem as file:line: field: what (fix)."""
    from .core.loader import find_quizzes_dir, load_many
    from .core.warnings_ import filtered

    if not paths:
        d = find_quizzes_dir()
        if d is None:
            raise click.UsageError("no quizzes/ folder here or above; name the files or folders to check")
        paths = (str(d),)
    report = load_many(list(paths))
    shown: list = []
    keep = filtered(shown.append, frozenset(silence))
    for w in report.warnings:
        keep(w)
    for w in shown:
        click.echo(f"warning: {w}", err=True)
    for p in report.problems:
        click.echo(str(p))
    n = len(report.problems)
    click.echo(f"{report.files} file(s) checked: {len(report.quizzes)} good, "
               f"{n} problem(s), {len(shown)} warning(s)", err=True)
    sys.exit(1 if n or (strict and shown) else 0)


@cli.command()
@click.argument("quiz")
@click.option("--student", metavar="ID", help="Show this student's variant.")
@click.option("--seed", type=click.IntRange(0, MASK32), help="Show the variant of this seed.")
@click.option("--key", is_flag=True, help="Show the answers and explanations too.")
def show(quiz: str, student: str | None, seed: int | None, key: bool) -> None:
    """Print QUIZ (a file or quiz id) as readable text."""
    from .core.loader import load_quiz
    from .core.variants import make_variant, seed_for
    from .views.textview import render_quiz

    q = load_quiz(quiz)
    if seed is None:
        seed = seed_for(q.id, student or "")
    click.echo(render_quiz(q, make_variant(q, seed), key=key))


@cli.command("grade-one")
@click.argument("quiz")
@click.argument("submission", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--no-feedback", is_flag=True, help="Print scores only.")
def grade_one(quiz: str, submission: str, as_json: bool, no_feedback: bool) -> None:
    """Grade one SUBMISSION file against QUIZ and print the result."""
    import json

    from .core.loader import load_quiz
    from .core.submission import grade_submission, load_submission
    from .views.textview import render_result

    q = load_quiz(quiz)
    sub = load_submission(submission, warn=_silencer(()))
    result = grade_submission(q, sub, submission)
    if as_json:
        click.echo(json.dumps({"student_id": sub.student_id, **result.to_dict()}, indent=2))
    else:
        from .core.safetext import printable

        click.echo(f"{printable(sub.student_id)} · {q.title}")
        click.echo(render_result(q, result, feedback=not no_feedback))


@cli.command()
@click.argument("folder", type=click.Path())
@click.option("--title", help="The book's title (default: from the folder name).")
@click.option("--course-id", metavar="ID",
              help="The course id that keeps its answers apart (default: the folder name).")
@click.option("--language", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True,
              help="The language of the quiz interface (buttons, feedback) in the book and in JupyterLab.")
def new(folder: str, title: str | None, course_id: str | None, language: str) -> None:
    """Start a course in FOLDER: a Jupyter Book with a notebook chapter, a Markdown page and quizzes."""
    from .book.new import new_course
    from .core.safetext import printable

    written = new_course(folder, title=title, course_id=course_id, language=language)
    where = printable(folder)
    click.echo(f"{len(written)} files written in {where}. Next:\n"
               f"  kcourse validate {where}/quizzes\n"
               f"  jupyter-book build {where} -W -n --keep-going")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of quiz files (for editor completion and checking)."""
    import json

    from .core.schema import full_schema

    click.echo(json.dumps(full_schema(), indent=2))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; the package's own errors print without a traceback."""
    import os

    from .core.loader import COURSE_ENV

    before = os.environ.get(COURSE_ENV)  # --course sets it for this command only
    try:
        _run(argv)
    finally:
        if before is None:
            os.environ.pop(COURSE_ENV, None)
        else:
            os.environ[COURSE_ENV] = before


def _run(argv: list[str] | None) -> None:
    from .core.errors import KcourseError

    try:
        cli.main(args=argv, prog_name="kcourse", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KcourseError as e:
        click.echo(e.format_message(), err=True)
        sys.exit(e.exit_code)
    except OSError as e:  # writing an output: read-only, full disk, missing folder (inputs are reported as problems)
        from .core.errors import output_error

        click.echo(output_error(e).format_message(), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    sys.exit(0)


# Commands defined in other modules register below, one import + add_command each. Those modules must
# import only click (and the standard library) at top level; heavy imports go inside the command.
from .export.cli import export as _export  # noqa: E402

cli.add_command(_export)
from .instructor.cli import register as _register_instructor  # noqa: E402

_register_instructor(cli)
