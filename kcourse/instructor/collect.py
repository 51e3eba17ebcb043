"""Finding handed-in files: paths, folders (walked recursively), glob patterns and zip archives.

Every file found is one *source*; the grader accounts for each (graded or rejected). A ``.zip`` (given
directly, inside a folder, or inside another zip, two levels deep at most) stands for its members, named
``archive.zip:folder/file.json``. Operating-system clutter is left out and counted apart: anything under
``__MACOSX/``, ``._*`` resource forks, ``.DS_Store``, ``Thumbs.db`` and ``desktop.ini``; so is the gradebook itself when
it sits in a folder being graded.
"""
from __future__ import annotations

import glob
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.submission import MAX_BYTES
from .outcome import Reason

MAX_NESTED_ZIP = 200_000_000
"""A zip inside a zip is read into memory; larger ones are refused."""
MAX_DEPTH = 2
SYSTEM_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def is_system_file(name: str) -> bool:
    """Operating-system clutter that nobody handed in on purpose."""
    parts = name.replace("\\", "/").split("/")
    last = parts[-1]
    return last.startswith("._") or last.casefold() in SYSTEM_NAMES or "__MACOSX" in parts


@dataclass(frozen=True)
class Source:
    """One file to grade: on disk (``member is None``) or a member of an open zip archive."""

    name: str
    """As shown to the user."""
    size: int
    path: str | None = None
    archive: zipfile.ZipFile | None = field(default=None, compare=False, repr=False)
    member: zipfile.ZipInfo | None = field(default=None, compare=False, repr=False)
    problem: tuple[Reason, str] | None = None
    """Already known not to be readable (a broken zip)."""


def _glob_chars(arg: str) -> bool:
    return any(c in arg for c in "*?[")


class Collector:
    """Finds the sources of ``args`` and reads them; a context manager that closes the zip archives."""

    def __init__(self, args: list[str] | tuple[str, ...], *, exclude: tuple[Path, ...] = ()):
        self.exclude = {p.resolve() for p in exclude}
        self._exclude_names = {p.name for p in exclude}
        """Files that are never sources (the gradebook itself, when it sits among the submissions)."""
        self.sources: list[Source] = []
        self.ignored: list[str] = []
        """System files left out."""
        self.missing: list[str] = []
        """Arguments that name nothing: ``"'x.json': no such file or folder"``."""
        self._zips: list[zipfile.ZipFile] = []
        for arg in args:
            self._add_arg(arg)

    def __enter__(self) -> Collector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for z in self._zips:
            z.close()
        self._zips.clear()

    # -- finding ------------------------------------------------------------------------------------
    def _add_arg(self, arg: str) -> None:
        p = Path(arg)
        if p.is_dir():
            before = len(self.sources) + len(self.ignored)
            for root, dirs, names in os.walk(arg):
                dirs.sort()
                for n in sorted(names):
                    self._add_file(os.path.join(root, n))
            if len(self.sources) + len(self.ignored) == before:
                self.missing.append(f"'{arg}': the folder has no files")
        elif p.exists():
            self._add_file(arg)
        elif _glob_chars(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                self.missing.append(f"'{arg}': no file matches this pattern")
            for match in matches:
                if os.path.isdir(match):
                    self._add_arg(match)
                else:
                    self._add_file(match)
        else:
            self.missing.append(f"'{arg}': no such file or folder")

    def _add_file(self, path: str) -> None:
        name = path
        if is_system_file(name) or (os.path.basename(path) in self._exclude_names
                                    and Path(path).resolve() in self.exclude):
            self.ignored.append(name)
            return
        try:
            size = os.stat(path).st_size
        except OSError as e:
            self.sources.append(Source(name, 0, path, problem=(Reason.UNREADABLE, f"cannot read: {e.strerror}")))
            return
        if path.casefold().endswith(".zip"):
            try:
                z = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as e:
                self.sources.append(Source(name, size, path, problem=(Reason.UNREADABLE, f"not a readable zip "
                                                                      f"archive ({e})")))
                return
            self._zips.append(z)
            self._add_zip(z, name, 1)
            return
        self.sources.append(Source(name, size, path))

    def _add_zip(self, z: zipfile.ZipFile, prefix: str, depth: int) -> None:
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            name = f"{prefix}:{info.filename}"
            if is_system_file(info.filename):
                self.ignored.append(name)
                continue
            if info.filename.casefold().endswith(".zip") and depth < MAX_DEPTH:
                if info.file_size > MAX_NESTED_ZIP:
                    self.sources.append(Source(name, info.file_size, problem=(
                        Reason.TOO_LARGE, f"a zip inside a zip of {info.file_size:,} bytes (more than "
                                          f"{MAX_NESTED_ZIP:,}); unpack it and give the folder")))
                    continue
                try:
                    inner = zipfile.ZipFile(io.BytesIO(z.read(info)))
                except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as e:
                    self.sources.append(Source(name, info.file_size,
                                               problem=(Reason.UNREADABLE, f"not a readable zip archive ({e})")))
                    continue
                self._zips.append(inner)
                self._add_zip(inner, name, depth + 1)
                continue
            self.sources.append(Source(name, info.file_size, archive=z, member=info))

    # -- reading ------------------------------------------------------------------------------------
    def read(self, src: Source) -> tuple[bytes | None, tuple[Reason, str] | None]:
        """The bytes of ``src``, or why they could not be read. Files larger than a submission can be
        are refused before reading (a zip member by its declared size, so a zip bomb is never inflated)."""
        if src.problem is not None:
            return None, src.problem
        if src.size > MAX_BYTES:
            return None, (Reason.TOO_LARGE, f"{src.size:,} bytes, more than a submission can be "
                                            f"({MAX_BYTES:,}); this is not a quiz submission")
        try:
            if src.member is not None and src.archive is not None:
                with src.archive.open(src.member) as f:
                    data = f.read(MAX_BYTES + 1)
            else:
                assert src.path is not None  # internal invariant: a Source is a file or a zip member
                with open(src.path, "rb") as f:
                    data = f.read(MAX_BYTES + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError) as e:
            return None, (Reason.UNREADABLE, f"cannot read: {getattr(e, 'strerror', None) or e}")
        if len(data) > MAX_BYTES:
            return None, (Reason.TOO_LARGE, f"more than {MAX_BYTES:,} bytes; this is not a quiz submission")
        return data, None
