"""Quarantine: a rejected file is copied aside with a readable ``.error.json`` sidecar; the original stays.

Shared by ``dossierlink ingest --quarantine`` and the sync daemon. Files are owner-only and the
sidecar never holds anything that looks like a BSN.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dossierlink.privacy import mask_bsns

__all__ = ["free_name", "quarantine_file", "safe_label", "scrub"]


def scrub(text: str) -> str:
    """Mask every run that could be a BSN: sidecars and logs never hold one."""
    return mask_bsns(text)


def free_name(folder: Path, name: str) -> Path:
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
) -> Path:
    """Copy ``path`` into ``quarantine/<inbox>/`` with a ``<name>.error.json`` sidecar; return the sidecar.

    The original stays where it is. With ``copy=False`` (a symlink that points out of the inbox:
    copying it would leak the target) only the sidecar is written. Text fields are scrubbed of
    anything that looks like a BSN.
    """
    folder = quarantine / safe_label(inbox_label)
    old_umask = os.umask(0o077)  # rejected files hold personal data: owner only
    try:
        return _quarantine(path, folder, details, copy=copy)
    finally:
        os.umask(old_umask)


def _quarantine(path: Path, folder: Path, details: Mapping[str, Any], *, copy: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, path.name)
    sidecar = Path(f"{target}.error.json")
    copied = False
    if copy:
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                tmp = target.with_name(f".{target.name}.partial")
                shutil.copyfile(path, tmp, follow_symlinks=False)
                os.chmod(tmp, 0o600)
                os.replace(tmp, target)
                copied = True
        except OSError:
            copied = False
    body = {k: scrub(v) if isinstance(v, str) else v for k, v in details.items()}
    body["original"] = str(path)
    body["copy"] = str(target) if copied else None
    tmp_sidecar = sidecar.with_name(f".{sidecar.name}.partial")
    tmp_sidecar.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp_sidecar, sidecar)
    return sidecar


def safe_label(label: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", label.strip("/")).strip("._")
    return cleaned or "inbox"
