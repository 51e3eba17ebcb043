"""Finding handed-in files: paths, folders (walked recursively), glob patterns and zip archives.

Every file found is one *source*; the grader accounts for each (graded or rejected). A ``.zip`` (given
directly, inside a folder, or inside another zip, two levels deep at most) stands for its members, named
``archive.zip:folder/file.json``. Operating-system clutter is left out and counted apart: anything under
``__MACOSX/``, ``._*`` resource forks, ``.DS_Store``, ``Thumbs.db`` and ``desktop.ini``; so is the gradebook itself when
it sits in a folder being graded.
"""
from __future__ import annotations

import glob
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.safetext import printable
from ..core.submission import MAX_BYTES
from .outcome import Reason

MAX_NESTED_ZIP = 50_000_000
"""A zip inside a zip is copied in 1 MB pieces to a temporary file (one above 8 MB is never held in memory);
larger ones are refused."""
MAX_EXPANDED = 200_000_000
"""Bytes inflated from archives in one run (inner zips copied out, members read); beyond it, members are refused."""
MAX_DEPTH = 2
_CHUNK = 1 << 20
_IN_MEMORY = 8 << 20
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
        self._spools: list = []
        self.expanded = 0
        """Bytes inflated from archives so far (bounded by :data:`MAX_EXPANDED`)."""
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
        for f in self._spools:
            f.close()
        self._spools.clear()

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
                self.missing.append(f"'{printable(arg)}': the folder has no files")
        elif p.exists():
            self._add_file(arg)
        elif _glob_chars(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                self.missing.append(f"'{printable(arg)}': no file matches this pattern")
            for match in matches:
                if os.path.isdir(match):
                    self._add_arg(match)
                else:
                    self._add_file(match)
        else:
            self.missing.append(f"'{printable(arg)}': no such file or folder")

    def _add_file(self, path: str) -> None:
        name = printable(path)
        if is_system_file(path) or (os.path.basename(path) in self._exclude_names
                                    and Path(path).resolve() in self.exclude):
            self.ignored.append(name)
            return
        try:
            st = os.stat(path)
        except OSError as e:
            self.sources.append(Source(name, 0, path, problem=(Reason.UNREADABLE, f"cannot read: {e.strerror}")))
            return
        if not stat.S_ISREG(st.st_mode):
            self.sources.append(Source(name, 0, path, problem=(Reason.UNREADABLE, f"{_special(st.st_mode)}, not a "
                                                               "file; left unread (hand in the .json file itself)")))
            return
        size = st.st_size
        if path.casefold().endswith(".zip"):
            try:
                z = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
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
            member = member_name(info)
            name = f"{prefix}:{printable(member)}"
            if is_system_file(member):
                self.ignored.append(name)
                continue
            if member.casefold().endswith(".zip"):
                if depth >= MAX_DEPTH:
                    self.sources.append(Source(name, info.file_size, problem=(
                        Reason.UNREADABLE, f"a zip archive {depth + 1} levels deep (kcourse opens zips inside zips "
                                           f"{MAX_DEPTH} levels deep); unpack it and give the folder")))
                    continue
                if info.file_size > MAX_NESTED_ZIP:
                    self.sources.append(Source(name, info.file_size, problem=(
                        Reason.TOO_LARGE, f"a zip inside a zip of {info.file_size:,} bytes (more than "
                                          f"{MAX_NESTED_ZIP:,}); unpack it and give the folder")))
                    continue
                inner, problem = self._open_inner(z, info)
                if inner is None:
                    self.sources.append(Source(name, info.file_size, problem=problem))
                    continue
                self._zips.append(inner)
                self._add_zip(inner, name, depth + 1)
                continue
            self.sources.append(Source(name, info.file_size, archive=z, member=info))

    def _open_inner(self, z: zipfile.ZipFile, info: zipfile.ZipInfo
                    ) -> tuple[zipfile.ZipFile | None, tuple[Reason, str] | None]:
        """A zip inside a zip, copied in chunks to a temporary file (so memory stays small whatever its size)."""
        spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # small ones stay in memory
        try:
            with z.open(info) as f:
                copied = 0
                while chunk := f.read(_CHUNK):
                    copied += len(chunk)
                    self.expanded += len(chunk)
                    if copied > MAX_NESTED_ZIP or self.expanded > MAX_EXPANDED:
                        spool.close()
                        return None, self._too_much(copied > MAX_NESTED_ZIP)
                    spool.write(chunk)
            spool.seek(0)
            inner = zipfile.ZipFile(spool)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, NotImplementedError) as e:
            spool.close()
            return None, (Reason.UNREADABLE, f"not a readable zip archive ({e})")
        self._spools.append(spool)
        return inner, None

    def _too_much(self, this_one: bool) -> tuple[Reason, str]:
        if this_one:
            return Reason.TOO_LARGE, (f"a zip inside a zip that inflates to more than {MAX_NESTED_ZIP:,} bytes; "
                                      "unpack it and give the folder")
        return Reason.TOO_LARGE, (f"the archives of this run inflate to more than {MAX_EXPANDED:,} bytes in all; "
                                  "unpack them and grade the folders")

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
                if self.expanded > MAX_EXPANDED:
                    return None, self._too_much(False)
                with src.archive.open(src.member) as f:
                    data = f.read(MAX_BYTES + 1)
                self.expanded += len(data)
            else:
                assert src.path is not None  # internal invariant: a Source is a file or a zip member
                with open(src.path, "rb") as f:
                    data = f.read(MAX_BYTES + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError, NotImplementedError) as e:
            return None, (Reason.UNREADABLE, f"cannot read: {getattr(e, 'strerror', None) or e}")
        if len(data) > MAX_BYTES:
            return None, (Reason.TOO_LARGE, f"more than {MAX_BYTES:,} bytes; this is not a quiz submission")
        return data, None


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name as its maker meant it. Info-ZIP, macOS's Archive Utility and other tools store UTF-8
    names without the UTF-8 flag, which Python then reads as cp437 ('José' becomes 'Jos├⌐'; the uploader's name
    then matches nobody): such a name that is valid UTF-8 is read as UTF-8."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except UnicodeError:  # really cp437 (or another legacy code page): keep Python's reading
        return info.filename


def _special(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
