"""Quarantine: a rejected file is copied aside with a readable ``.error.json`` sidecar; the original stays.

Shared by ``dossierlink ingest --quarantine`` and the sync daemon. Folders are 0700 and files 0600
whatever the umask; names and sidecars pass the privacy filter (no BSN, no control byte).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dossierlink.privacy import Sink
from dossierlink.privacy import scrub as _scrub

__all__ = ["free_name", "original_key", "owner_only_dir", "quarantine_file", "safe_label", "scrub"]


def scrub(text: str) -> str:
    """A text for a sidecar, log line or status field: the privacy filter's JSON sink."""
    return _scrub(text, Sink.JSON)


def original_key(path: Path | str) -> str:
    """What a sidecar keeps to recognise its original without naming it (the name may hold a BSN)."""
    return hashlib.sha256(os.fsencode(os.fspath(path))).hexdigest()


def owner_only_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) owner-only whatever the umask; tighten it when it exists."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = os.stat(folder)
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def free_name(folder: Path, name: str) -> Path:
    name = _scrub(name, Sink.FILE_NAME)  # a BSN or a line break in a name stays out of ours
    candidate = folder / name
    if not candidate.exists() and not Path(f"{candidate}.error.json").exists():
        return candidate
    stem, suffix = os.path.splitext(name)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    for n in range(1, 10_000):
        candidate = folder / f"{stem}.{stamp}-{n}{suffix}"
        if not candidate.exists() and not Path(f"{candidate}.error.json").exists():
            return candidate
    raise FileExistsError(folder / name)


def quarantine_file(
    path: Path,
    quarantine: Path,
    inbox_label: str,
    details: Mapping[str, Any],
    *,
    copy: bool = True,
    source_fd: int | None = None,
) -> Path:
    """Copy ``path`` into ``quarantine/<inbox>/`` with a ``<name>.error.json`` sidecar; return the sidecar.

    The original stays where it is. The copy is read from ``source_fd`` (the descriptor the
    ingest opened) or from the name opened without following a symlink; with ``copy=False`` (a
    symlink that points out of the inbox: copying it would leak the target) only the sidecar is
    written. Names and text fields pass the privacy filter; everything is owner-only. An
    ``OSError`` (disk full) leaves no partial file behind and reaches the caller.
    """
    owner_only_dir(quarantine)
    folder = quarantine / safe_label(inbox_label)
    owner_only_dir(folder)
    return _quarantine(path, folder, details, copy=copy, source_fd=source_fd)


def _copy_from(fd: int, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.partial")
    out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(out, 0o600)
        offset = 0
        while block := os.pread(fd, 1 << 20, offset):
            view = memoryview(block)
            while view:
                view = view[os.write(out, view) :]
            offset += len(block)
        os.fsync(out)
    except BaseException:
        os.close(out)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(out)
    os.replace(tmp, target)


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        data = text.encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    os.replace(tmp, path)


def _quarantine(
    path: Path, folder: Path, details: Mapping[str, Any], *, copy: bool, source_fd: int | None
) -> Path:
    target = free_name(folder, path.name)
    sidecar = Path(f"{target}.error.json")
    copied = False
    if copy:
        own_fd = None
        if source_fd is None:
            try:
                own_fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
                if not stat.S_ISREG(os.fstat(own_fd).st_mode):
                    os.close(own_fd)
                    own_fd = None
            except OSError:
                own_fd = None  # gone, a symlink, unreadable: the sidecar says so (copy: null)
        fd = source_fd if source_fd is not None else own_fd
        try:
            if fd is not None:
                _copy_from(fd, target)
                copied = True
        finally:
            if own_fd is not None:
                os.close(own_fd)
    body = {k: scrub(v) if isinstance(v, str) else v for k, v in details.items()}
    body["original"] = _scrub(str(path), Sink.PATH)
    body["original_key"] = original_key(path)
    body["copy"] = _scrub(str(target), Sink.PATH) if copied else None
    try:
        _write_private(sidecar, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    except BaseException:
        if copied:
            with contextlib.suppress(OSError):
                os.unlink(target)
        raise
    return sidecar


def safe_label(label: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", _scrub(label.strip("/"), Sink.FILE_NAME)).strip("._")
    return cleaned or "inbox"
