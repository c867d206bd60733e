"""Print pages/s of bare pypdf vs dossierlink.paper.fasttext.page_texts on real-OCR scans and corpus PDFs.

Usage (from the source folder): python -m tests.fasttext.measure_fasttext [--repeat N] [--no-corpus] [PDF ...]
Without PDF arguments it measures the tesseract test scans (made or reused like the tests do) and
every PDF in ../shared/corpus/pdf. Each file: one warm-up read, then the best of N reads per path,
bare and fast alternating, in one process; the text of both paths is compared too.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from dossierlink.paper.fasttext import page_texts
from tools.scanmaker import build_ocr_scans

CORPUS_PDF = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"


def corpus_pdfs() -> list[Path]:
    return sorted(CORPUS_PDF.rglob("*.pdf")) if CORPUS_PDF.is_dir() else []


def bare(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def best_seconds(read: Callable[[PdfReader], list[str]], path: Path, repeat: int) -> tuple[float, list[str]]:
    best, texts = float("inf"), []
    for _ in range(repeat):
        reader = PdfReader(path)
        start = time.perf_counter()
        texts = read(reader)
        best = min(best, time.perf_counter() - start)
    return best, texts


def measure(paths: list[Path], repeat: int) -> list[dict[str, object]]:
    rows = []
    for path in paths:
        try:
            bare(PdfReader(path))  # warm-up: imports, pypdf's lazy tables, our identity CMap
            page_texts(PdfReader(path))
            t_bare, a = best_seconds(bare, path, repeat)
            t_fast, b = best_seconds(page_texts, path, repeat)
        except Exception as exc:
            rows.append({"file": path.name, "error": f"{type(exc).__name__}"})
            continue
        pages = len(a)
        rows.append(
            {
                "file": path.name,
                "pages": pages,
                "bare": pages / t_bare if t_bare else 0.0,
                "fast": pages / t_fast if t_fast else 0.0,
                "ratio": t_bare / t_fast if t_fast else 0.0,
                "same": a == b,
            }
        )
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    groups: list[tuple[str, list[Path]]] = []
    if args.pdfs:
        groups.append(("given", args.pdfs))
    else:
        groups.append(("tesseract OCR scans", sorted(build_ocr_scans().values())))
        if not args.no_corpus:
            groups.append(("corpus", corpus_pdfs()))
    for title, paths in groups:
        rows = measure(paths, args.repeat)
        print(f"\n## {title}\n")
        print("| file | pages | bare pypdf pages/s | page_texts pages/s | ratio | same text |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        total_pages, total_bare, total_fast = 0, 0.0, 0.0
        for row in rows:
            if "error" in row:
                print(
                    f"| {row['file']} | | | | | raises {row['error']} (the tests check both paths raise alike) |"
                )
                continue
            pages = int(row["pages"])  # type: ignore[call-overload]
            bare_rate, fast_rate = float(row["bare"]), float(row["fast"])  # type: ignore[arg-type]
            if pages and bare_rate and fast_rate:
                total_pages += pages
                total_bare += pages / bare_rate
                total_fast += pages / fast_rate
            print(
                f"| {row['file']} | {pages} | {bare_rate:.1f} | {fast_rate:.1f} | "
                f"{float(row['ratio']):.1f}x | {row['same']} |"  # type: ignore[arg-type]
            )
        if total_fast:
            print(
                f"| **all** | {total_pages} | {total_pages / total_bare:.1f} | {total_pages / total_fast:.1f} | "
                f"{total_bare / total_fast:.1f}x | |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
