"""The browser scripts as pages embed them: minified by terser, committed as package data (``static/min/``).

Authors build a book without node: each script of ``static/`` has a bundle ``static/min/<name>`` made by
``scripts/minify-js`` (terser: names inside each script's closure shortened, dead code out). A bundle's first
line records what it was made from, as JSON: the source's sha256, the terser version and options, so a
test (tests/frontend/test_bundles.py) fails when a source changed without a rebuild, and a rebuild with the same
terser gives the same bytes. A page never embeds a bundle that does not match its source: it then embeds the
readable source, with a warning naming the fix. ``KCOURSE_READABLE_JS=1`` embeds the readable sources on
purpose, for debugging in the browser.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import warnings
from functools import cache
from importlib.resources import files

#: Every script of ``static/`` that a page embeds, each with its bundle ``static/min/<name>``.
SOURCES = ("grader.js", "quiz.js", "progress.js", "saferegex.js", "classpage.js")
#: terser's command-line options: compress twice, mangle local names (the closures' globals and property
#: names are kept: the scripts find one another through window.kcourse*V1), output no newer than ES2017.
TERSER_ARGS = ("--ecma", "2017", "--compress", "passes=2", "--mangle")
READABLE_ENV = "KCOURSE_READABLE_JS"
FIX = "run scripts/minify-js (needs terser: Debian 'apt-get install terser', or node's 'npx terser')"
_MARK = "/* kcourse bundle, rebuilt by scripts/minify-js: "


def _static():
    return files(__package__).joinpath("static")


def source(name: str) -> str:
    return _static().joinpath(name).read_text(encoding="utf-8")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def readable() -> bool:
    """Whether pages embed the readable sources (env ``KCOURSE_READABLE_JS`` set to anything but ``0``)."""
    return os.environ.get(READABLE_ENV, "0") not in ("", "0")


def header(name: str, terser_version: str) -> str:
    about = {"source": name, "sha256": sha256(source(name)), "terser": terser_version, "options": list(TERSER_ARGS)}
    return f"{_MARK}{json.dumps(about)} */"


def read_bundle(name: str) -> tuple[dict, str] | None:
    """The recorded facts and the code of ``static/min/<name>``; None when it is missing or has no header."""
    path = _static().joinpath("min", name)
    if not path.is_file():
        return None
    first, _, code = path.read_text(encoding="utf-8").partition("\n")
    if not first.startswith(_MARK) or not first.endswith(" */"):
        return None
    try:
        about = json.loads(first[len(_MARK):-3])
    except ValueError:
        return None
    return about, code.rstrip("\n")


def problem(name: str, got: tuple[dict, str] | None) -> str | None:
    """Why the bundle ``got`` (:func:`read_bundle`) cannot stand for the source ``name`` (missing, made from another
    version of it), or None."""
    if got is None:
        return f"kcourse/frontend/static/min/{name} is missing or has no header line: {FIX}"
    if got[0].get("sha256") != sha256(source(name)):
        return f"kcourse/frontend/static/min/{name} was made from an older static/{name}: {FIX}"
    return None


@cache
def _minified(name: str) -> str:
    got = read_bundle(name)
    why = problem(name, got)
    if why or got is None:
        warnings.warn(f"{why}; pages embed the readable {name} meanwhile", stacklevel=3)
        return source(name)
    return got[1]


def code(name: str) -> str:
    """The script ``static/<name>`` as a page embeds it: its bundle, or the readable source (see the module)."""
    return source(name) if readable() else _minified(name)


# -- building (scripts/minify-js; tests/frontend/test_bundles.py) ------------------------------------------------
def terser_command() -> list[str] | None:
    """How to run terser here: Debian's ``terser`` (with node's module path for its libraries), else ``npx``."""
    if shutil.which("terser"):
        return ["terser"]
    if shutil.which("npx"):
        return ["npx", "--no-install", "terser"]
    return None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if os.path.isdir("/usr/share/nodejs"):  # Debian's terser finds its libraries there
        env["NODE_PATH"] = os.pathsep.join(p for p in (env.get("NODE_PATH"), "/usr/share/nodejs") if p)
    return env


def terser_version(command: list[str]) -> str:
    out = subprocess.run([*command, "--version"], capture_output=True, text=True, env=_env(), check=True).stdout
    return out.split()[-1]  # "terser 5.16.5"


def build(name: str, command: list[str], version: str) -> str:
    """The whole text of the bundle of ``name`` (header line, code) as terser makes it now."""
    out = subprocess.run([*command, *TERSER_ARGS], input=source(name), capture_output=True, text=True,
                         encoding="utf-8", env=_env(), check=True).stdout
    return f"{header(name, version)}\n{out.rstrip(chr(10))}\n"
