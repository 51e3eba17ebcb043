"""What a notebook's outputs depend on besides its own text, and which cached notebooks that makes stale.

jupyter-cache keys executed notebooks by the notebook's own content, and Sphinx re-reads a page only when
its source changed. A notebook's outputs also depend on files it reads: the quiz files it shows (and the
quizzes those draw from), the kcourse engine, and the course's own Python modules it imports (found under
the book's folder or the notebook's folder, followed through their own imports). A digest of those files is
kept per notebook in the cache folder (``kcourse-deps.json``); a notebook whose digest changed, or that has no
digest yet (the extension was just added to a book with a cache), loses its cache record and its page is read
again, so exactly the affected notebooks execute again.

Pure (no Sphinx): :mod:`kcourse.book.execution` applies it to a build.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..core.loader import QUIZ_SUFFIXES, find_quizzes_dir

QUIZ_CALL = re.compile(r"""\bquiz\(\s*(?:ref\s*=\s*)?["']([^"'\n]+)["']""")
PROGRESS_CALL = re.compile(r"\bprogress\(")
QUIZ_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\s*\{quiz\}\s+(\S[^\n]*?)\s*$", re.M)
FROM_QUIZ = re.compile(r"""from_quiz:\s*['"]?([\w-]+)""")
IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)",
                    re.M)
FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([\w\s,]+\)|[\w \t,]+)", re.M)
ENGINE_SUFFIXES = {".py", ".js", ".css", ".json", ".csv", ".yml", ".md", ".html"}
ENGINE_SKIP = {"labs", "book", "instructor", "export", "__pycache__"}
"""Parts of the engine that no notebook output depends on (the labs, if still inside, count as course modules)."""
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".yml", ".yaml", ".txt", ".md", ".dat"}
STATE = "kcourse-deps.json"


def engine_dir() -> Path:
    return Path(__file__).resolve().parent.parent


@lru_cache(maxsize=4)
def engine_files(engine: Path) -> tuple[Path, ...]:
    """The kcourse files whose change can change any quiz output (not the labs, the book extension, ...)."""
    return tuple(sorted(p for p in engine.rglob("*") if p.is_file() and p.suffix in ENGINE_SUFFIXES
                        and not ENGINE_SKIP.intersection(p.relative_to(engine).parts[:-1])))


def code_of(notebook: Path) -> str:
    """The source of the notebook's code cells (the raw file escapes quotes inside JSON strings)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ""
    return "\n".join("".join(c.get("source", "")) for c in cells
                     if isinstance(c, dict) and c.get("cell_type") == "code")


def quiz_file(ref: str, base: Path) -> Path | None:
    """The file of a quiz reference as ``kcourse.quiz`` and the ``quiz`` directive resolve it from ``base``."""
    p = Path(ref)
    if p.suffix in QUIZ_SUFFIXES or "/" in ref or "\\" in ref:
        p = Path(os.path.normpath(p if p.is_absolute() else base / p))
        return p if p.is_file() else None
    d = find_quizzes_dir(base)
    if d is None:
        return None
    return next((d / f"{ref}{s}" for s in QUIZ_SUFFIXES if (d / f"{ref}{s}").is_file()), None)


def quiz_closure(files: Iterable[Path]) -> set[Path]:
    """``files`` and every quiz they draw pools from (``from_quiz``), in the same folder."""
    todo, seen = list(files), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        todo += [f for qid in FROM_QUIZ.findall(text)
                 if (f := next((path.parent / f"{qid}{s}" for s in QUIZ_SUFFIXES
                                if (path.parent / f"{qid}{s}").is_file()), None))]
    return seen


def imported_names(code: str) -> set[str]:
    """Dotted module names a piece of code may import (``from a import b`` gives ``a`` and ``a.b``)."""
    names: set[str] = set()
    for group in IMPORT.findall(code):
        names.update(part.split()[0] for part in group.split(","))
    for module, what in FROM_IMPORT.findall(code):
        if module.startswith("."):
            continue
        names.add(module)
        names.update(f"{module}.{n}" for n in re.findall(r"\w+", what) if n != "as")
    return names


def module_roots(base: Path, root: Path) -> tuple[Path, ...]:
    """Where a notebook's own modules are looked for: its folder, the book's folder, and every folder of the book
    that is a Python project (``pyproject.toml`` or ``setup.py``, such as a course package in ``course/``), each
    with its ``src/``. Installed libraries are not looked for: they are not the course's to change."""
    roots = [base, root]
    try:
        roots += sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith((".", "_"))
                        and ((d / "pyproject.toml").is_file() or (d / "setup.py").is_file()))
    except OSError:
        pass
    roots += [r / "src" for r in roots[1:] if (r / "src").is_dir()]
    return tuple(roots)


def module_files(name: str, roots: Iterable[Path]) -> list[Path]:
    """The local files importing ``name`` runs: its module and the packages above it, in the first root that
    has it."""
    parts = name.split(".")
    for root in roots:
        if not (root / parts[0]).is_dir() and not (root / f"{parts[0]}.py").is_file():
            continue
        found = [init for i in range(1, len(parts)) if (init := root.joinpath(*parts[:i], "__init__.py")).is_file()]
        for cand in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
            if cand.is_file():
                found.append(cand)
        return found
    return []


def package_data(package: Path) -> set[Path]:
    """The data files of a local package (CSV tables and the like, which its modules read)."""
    return {p for p in package.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES
            and "__pycache__" not in p.parts}


def local_modules(code: str, roots: tuple[Path, ...], engine: Path) -> set[Path]:
    """Course modules ``code`` imports, followed through their own imports, with the data files of their
    packages (engine files are counted apart)."""
    out: set[Path] = set()
    packages: set[Path] = set()
    todo = sorted(imported_names(code))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for f in module_files(name, roots):
            if f in out or (f.is_relative_to(engine) and f in engine_files(engine)):
                continue
            out.add(f)
            top = next((r / name.split(".")[0] for r in roots if f.is_relative_to(r / name.split(".")[0])), None)
            if top is not None and top.is_dir():
                packages.add(top)
            try:
                todo += sorted(imported_names(f.read_text(encoding="utf-8")) - seen)
            except (OSError, UnicodeDecodeError):
                pass
    for package in packages:
        out |= {p for p in package_data(package) if not p.is_relative_to(engine)}
    return out


def notebook_dependencies(notebook: Path, root: Path, *, engine: Path | None = None) -> list[Path]:
    """The files whose content decides this notebook's outputs, besides the notebook itself."""
    engine = (engine or engine_dir()).resolve()
    text = code_of(notebook)
    base = notebook.parent
    deps = set(engine_files(engine))
    deps |= local_modules(text, module_roots(base, root), engine)
    quizzes = {f for ref in QUIZ_CALL.findall(text) if (f := quiz_file(ref, base))}
    if PROGRESS_CALL.search(text) and (d := find_quizzes_dir(base)) is not None:  # the progress page reads all
        quizzes |= {p for p in d.iterdir() if p.suffix in QUIZ_SUFFIXES and p.is_file()}
    deps |= quiz_closure(quizzes)
    return sorted(deps)


def page_quizzes(page: Path) -> set[Path]:
    """The quiz files a page uses: ``kcourse.quiz(...)`` calls of a notebook, ``quiz`` directives of Markdown."""
    if page.suffix == ".ipynb":
        text = code_of(page)
        refs = QUIZ_CALL.findall(text)
        try:
            refs += QUIZ_DIRECTIVE.findall("\n".join(
                "".join(c.get("source", "")) for c in json.loads(page.read_text(encoding="utf-8")).get("cells", [])
                if isinstance(c, dict) and c.get("cell_type") == "markdown"))
        except (OSError, ValueError, AttributeError):
            pass
    else:
        try:
            refs = QUIZ_DIRECTIVE.findall(page.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return set()
    return quiz_closure(f for ref in refs if (f := quiz_file(ref, page.parent)))


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def digest(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        try:
            content = p.read_bytes()
        except OSError:
            content = b"<missing>"
        h.update(_name(p, root).encode() + b"\0" + content + b"\0")
    return h.hexdigest()


def stale_notebooks(root: Path, state_file: Path, notebooks: list[Path], *,
                    engine: Path | None = None) -> tuple[list[Path], dict[str, str]]:
    """Notebooks whose dependencies differ from the digests in ``state_file`` (a notebook with no digest there
    counts as changed: its cached outputs were made from unknown files), and the new digests."""
    try:
        old = json.loads(state_file.read_text(encoding="utf-8"))
        old = old if isinstance(old, dict) else {}
    except (OSError, ValueError):
        old = {}
    new = {_name(nb, root): digest(notebook_dependencies(nb, root, engine=engine), root) for nb in notebooks}
    return [nb for nb in notebooks if old.get(_name(nb, root)) != new[_name(nb, root)]], new
