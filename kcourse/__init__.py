"""kcourse: YAML quizzes for Jupyter courses: model, loading, grading, front ends and instructor tools.

The import is light on purpose: heavy modules (yaml, ipywidgets, matplotlib) load inside the
functions that need them, so `kcourse --help` stays fast.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "progress", "quiz"]


def quiz(ref, **options):
    """Show a chapter quiz in a notebook: `kcourse.quiz("ch02-growing-up")`.

    `ref` is a quiz id (looked up in the nearest `quizzes/` folder above the current directory) or
    a path to a quiz file. In JupyterLab the result is an interactive widget quiz; in the static
    book the same output carries a self-contained HTML quiz.
    """
    from .frontend.display import quiz as _quiz

    return _quiz(ref, **options)


def progress():
    """Show the learner's progress through the chapter quizzes: `kcourse.progress()`.

    A table of every quiz in the nearest `quizzes/` folder with the questions answered and the scores,
    read from the progress file on this computer (`~/.kcourse/progress.json`, or `$KCOURSE_HOME`).
    """
    from .frontend.progress_view import course_progress

    return course_progress()
