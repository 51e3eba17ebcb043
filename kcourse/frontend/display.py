"""Temporary display shell: replaced by the widget/static front end."""
from __future__ import annotations

import html
from pathlib import Path


def find_quiz_file(ref: str | Path) -> Path:
    p = Path(ref)
    if p.suffix in (".yml", ".yaml") or p.exists():
        return p
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        cand = d / "quizzes" / f"{ref}.yml"
        if cand.exists():
            return cand
    raise FileNotFoundError(f"no quiz {ref!r}: looked for quizzes/{ref}.yml above {here}")


class _Placeholder:
    def __init__(self, path: Path):
        self.path = path

    def _repr_html_(self):
        return f"<p>Quiz: {html.escape(str(self.path))}</p>"


def quiz(ref, **options):
    return _Placeholder(find_quiz_file(ref))
