"""Read-side views of one dossier that the CLI and the reports share (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dossierlink.schema import Record

__all__ = ["dossier_matrix"]


def dossier_matrix(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Documents side by side: one row per document key, one cell per (organisation, medium)."""
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        for doc in record.documents:
            row = rows.setdefault(doc.key, {"key": doc.key, "type": doc.type.value, "cells": {}})
            cell = row["cells"].setdefault(
                (doc.organisation, doc.medium.value), {"pages": doc.page_count, "count": 0}
            )
            cell["count"] += 1
            if cell["pages"] is None:
                cell["pages"] = doc.page_count
    return sorted(rows.values(), key=lambda r: r["key"])
