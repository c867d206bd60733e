"""Input files opened once: one descriptor per file, that the hash and every reader use.

An inbox writer must not be able to swap a file for a symlink between the checks and the read
(TOCTOU). :func:`open_input` opens the file without following a symlink in its last component
(``O_NOFOLLOW``), ``fstat``s the descriptor, refuses what is not a regular file and, when a root
is given, refuses a file whose real place (read from the descriptor, so no directory swap
fools it) is outside the root. While :func:`pinned` is active, :func:`open_binary`,
:func:`stat_input` and :func:`read_bytes` on that path read from the same open file (a fresh
offset through ``/proc/self/fd``), whatever the name points to by then.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "InputRefused",
    "PinnedInput",
    "open_binary",
    "open_input",
    "pinned",
    "pinned_path_for_process",
    "read_bytes",
    "stat_input",
]

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
    | getattr(os, "O_CLOEXEC", 0)
)
_PROC_FD = Path("/proc/self/fd")

_pins: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "dossierlink_pins", default=None
)


class InputRefused(Exception):
    """The file may not be read (a symlink out of the root, not a regular file); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class PinnedInput:
    """An open input file: its descriptor, its ``fstat`` and the real path it was opened at."""

    def __init__(self, path: Path, fd: int, st: os.stat_result, real: Path | None) -> None:
        self.path = path
        self.fd = fd
        self.st = st
        self.real = real

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> PinnedInput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _real_path(fd: int) -> Path | None:
    try:
        return Path(os.readlink(_PROC_FD / str(fd)))
    except OSError:
        return None


def open_input(path: Path, *, root: Path | None = None) -> PinnedInput:
    """Open ``path`` once for reading; :class:`InputRefused` or ``OSError`` when it cannot be.

    A symlink is followed only when it resolves inside ``root`` (resolved once, then the target is
    opened without following a symlink again); the descriptor's real path is checked as well.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno not in (40, 31):  # ELOOP (a symlink with O_NOFOLLOW), EMLINK on BSDs
            raise
        fd = _open_symlink(path, root)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputRefused("not a regular file")
        real = _real_path(fd)
        if root is not None and real is not None:
            top = root.resolve()
            if not real.is_relative_to(top):
                raise InputRefused(f"the file lies outside {root} (a symlink or a swapped folder)")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return PinnedInput(path, fd, st, real)


def _open_symlink(path: Path, root: Path | None) -> int:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise InputRefused("the file is a broken symlink or a symlink loop") from None
    if root is not None and not target.is_relative_to(root.resolve()):
        raise InputRefused(f"the file is a symlink that points outside {root}")
    try:
        return os.open(target, _FLAGS)
    except OSError as exc:
        if exc.errno in (40, 31):
            raise InputRefused("the file's symlink target changed while it was opened") from None
        raise InputRefused("the file is a broken symlink") from None


def _key(path: Path | str) -> str:
    return os.path.abspath(os.fspath(path))


@contextlib.contextmanager
def pinned(source: PinnedInput) -> Iterator[None]:
    """While the block runs, readers of ``source.path`` read the open descriptor, not the name."""
    pins = dict(_pins.get() or {})
    pins[_key(source.path)] = source.fd
    token = _pins.set(pins)
    try:
        yield
    finally:
        _pins.reset(token)


def _pinned_fd(path: Path | str) -> int | None:
    pins = _pins.get()
    if not pins:
        return None
    return pins.get(_key(path))


def pinned_path_for_process(path: Path | str) -> str:
    """A name another process of this user can open to read the pinned file (or ``path`` itself)."""
    fd = _pinned_fd(path)
    if fd is None or not _PROC_FD.exists():
        return os.fspath(path)
    return f"/proc/{os.getpid()}/fd/{fd}"


def open_binary(path: Path | str) -> BinaryIO:
    """Open ``path`` for reading: the pinned descriptor (own offset) when pinned, else by name."""
    fd = _pinned_fd(path)
    if fd is None:
        return open(path, "rb")
    if _PROC_FD.exists():
        return open(_PROC_FD / str(fd), "rb")
    dup = os.dup(fd)
    os.lseek(dup, 0, os.SEEK_SET)
    return os.fdopen(dup, "rb")


def stat_input(path: Path | str) -> os.stat_result:
    """``stat`` of the pinned file, or of ``path``."""
    fd = _pinned_fd(path)
    return os.fstat(fd) if fd is not None else os.stat(path)


def read_bytes(path: Path | str) -> bytes:
    with open_binary(path) as fh:
        return fh.read()
