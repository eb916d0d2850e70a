"""Files written for the student: whole or not at all, private, never through a link.

An output (an export, the review log, a backup) is written under a temporary name in its
target's folder, created 0600, fsynced, then renamed over the target: a full disk or a kill
leaves the old file as it was, and a reader never sees half a file. The temporary name carries
the writer's process id, so a later run tells a killed writer's leftover (removed) from a file
being written now (kept).

Scratch files holding the student's cards (an Anki package being built or read, the editor's
snippet) go to ``tmp/`` in the data folder (0700), not the system's shared temporary folder,
and a killed process's are removed by the next run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from trainer.errors import UserError
from trainer.paths import data_dir

PARTIAL = ".partial"


def partial_of(target: Path) -> Path:
    """The temporary name ``target`` is written under by this process."""
    return target.with_name(f"{target.name}.{os.getpid()}{PARTIAL}")


def _writer(path: Path) -> int | None:
    """The process id in a temporary file's name; None when it has none (an older trainer's)."""
    stem = path.name.removesuffix(PARTIAL)
    pid = stem.rpartition(".")[2]
    return int(pid) if pid.isdigit() else None


def _alive(pid: int | None) -> bool:
    if pid is None or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale(folder: Path, pattern: str = f"*{PARTIAL}") -> list[Path]:
    """Temporary files in ``folder`` whose writer was killed, removed; what was removed."""
    removed = []
    with contextlib.suppress(OSError):
        for path in folder.glob(pattern):
            if path.is_file() and not path.is_symlink() and not _alive(_writer(path)):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def fsync_folder(folder: Path) -> None:
    """A rename made durable: the folder's entry written to disk, where the system allows."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_target(target: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse, in one line, a target trainer must not write: a link, a folder, the database."""
    if target.is_symlink():
        raise UserError(f"{target}: is a symbolic link; trainer does not write through links: "
                        "give the file's own path")
    if target.is_dir():
        raise UserError(f"{target}: is a folder; give a file name")
    for path in protected:
        if _same_file(target, path):
            raise UserError(f"{target}: is the database itself (or its log); choose another "
                            "file")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


@contextmanager
def output(target: Path, *, replace: bool = True,
           protected: Iterable[Path] = ()) -> Iterator[Path]:
    """A private temporary file beside ``target`` to write; when the block ends without an
    error it is fsynced and renamed to ``target``, else removed. ``replace``: an existing
    ``target`` is replaced (else refused, in one line). ``protected``: files never written
    (the live database and its log)."""
    check_target(target, protected)
    if not replace and os.path.lexists(target):
        raise UserError(f"{target}: already exists; give another name, or --force to replace it")
    folder = target.parent
    remove_stale(folder, f"{_glob_escape(target.name)}.*{PARTIAL}")
    partial = partial_of(target)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.close(fd)
    except OSError as exc:
        raise UserError(f"{target}: cannot write: {exc.strerror}") from None
    try:
        yield partial
        _sync(partial)
        _put(partial, target, replace)
        fsync_folder(folder)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _put(partial: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(partial, target)
        return
    # a hard link fails if the name was taken meanwhile, where a rename would replace it
    try:
        os.link(partial, target)
    except FileExistsError:
        partial.unlink(missing_ok=True)
        raise UserError(f"{target}: already exists; give another name, or --force to replace "
                        "it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK, errno.ENOSYS):
            raise
        if os.path.lexists(target):  # a file system without hard links (a FAT stick)
            partial.unlink(missing_ok=True)
            raise UserError(f"{target}: already exists; give another name, or --force to "
                            "replace it") from None
        os.replace(partial, target)
        return
    partial.unlink()


def write_text(target: Path, text: str, *, protected: Iterable[Path] = ()) -> None:
    """``text`` as ``target``'s whole content (UTF-8, newlines as given), atomically, 0600."""
    with (output(target, protected=protected) as partial,
          partial.open("w", encoding="utf-8", newline="") as fh):
        fh.write(text)


# -- scratch files in the data folder ---------------------------------------------------------

SCRATCH = "tmp"


def scratch_dir() -> Path:
    """``tmp/`` in the data folder, private; made (with the data folder) when missing."""
    folder = data_dir() / SCRATCH
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
    return folder


def scratch_prefix() -> str:
    return f"{os.getpid()}-"


def scratch_file(suffix: str) -> tuple[int, Path]:
    """A new private scratch file: its open descriptor and path (the caller removes it)."""
    fd, name = tempfile.mkstemp(prefix=scratch_prefix(), suffix=suffix, dir=scratch_dir())
    return fd, Path(name)


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """A private scratch folder, removed with everything in it when the block ends."""
    return tempfile.TemporaryDirectory(prefix=scratch_prefix(), dir=scratch_dir())


def clean_scratch() -> list[Path]:
    """Scratch files and folders a killed process left, removed (at start); what was removed."""
    folder = data_dir() / SCRATCH
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            pid = path.name.partition("-")[0]
            if _alive(int(pid) if pid.isdigit() else None):
                continue
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
    return removed
