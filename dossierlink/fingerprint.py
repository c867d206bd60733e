"""Text fingerprints that survive OCR noise: bottom-k MinHash over normalised word shingles.

The encoding is ``mh1:<shingles>:<base64 of sorted 64-bit hashes>``. Two fingerprints of the
same text (a digital original and a scan of its print) give a similarity near 1; an edited
version gives clearly less. See docs/formats/scan.md for the measured distribution.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable

__all__ = [
    "CONTAINED_THRESHOLD",
    "FINGERPRINT_K",
    "SAME_TEXT_THRESHOLD",
    "fingerprint",
    "fingerprint_containment",
    "fingerprint_similarity",
    "normalise_words",
    "same_text",
    "shingles",
]

FINGERPRINT_K = 256  # hashes kept: standard error of the estimate about 0.03 at J = 0.5
SHINGLE_WORDS = 2
# A scan carries the same text as a digital document when their similarity reaches
# SAME_TEXT_THRESHOLD, or when nearly all of the scan's text is in the original
# (CONTAINED_THRESHOLD: the scan lost pages but holds no other text). Measured on the
# samples, see docs/formats/scan.md.
SAME_TEXT_THRESHOLD = 0.85
CONTAINED_THRESHOLD = 0.95
_PREFIX = "mh1"

# Fold the characters OCR confuses onto one: the fingerprint compares shapes, not spelling.
_FOLD = str.maketrans(
    {"0": "o", "1": "l", "|": "l", "i": "l", "!": "l", "j": "l", "5": "s", "8": "b", "6": "b", "2": "z"}
)
_WORD_RE = re.compile(r"[a-z0-9|!]+")
# Page furniture that differs between print runs and scans, not content.
_FURNITURE_RE = re.compile(
    r"(?:p[a@]g(?:[il1]n[a@])?|bl[a@]d)\.?\s*[0-9oOlI|]{1,4}\s*(?:v[a@][nmu]|/)\s*[0-9oOlI|]{1,4}"
    r"|dos(?:sier)?\.?\s*p[a@]g(?:[il1]n[a@])?\.?\s*:?\s*[0-9oOlI|]{1,6}"
    r"|afgedrukt\s+op\s*:?\s*\S+(?:\s+\d{1,2}[:.]\d{2})?",
    re.IGNORECASE,
)


def normalise_words(text: str) -> list[str]:
    """Lower-case, accent-free, OCR-folded words of two or more characters, page furniture removed."""
    text = _FURNITURE_RE.sub(" ", text)
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated across a line break
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("rn", "m").replace("vv", "w")
    words = (w.translate(_FOLD) for w in _WORD_RE.findall(plain))
    return [w for w in words if len(w) >= 2]


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping runs of ``size`` words (the whole text when shorter)."""
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _hash(shingle: str) -> int:
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _sketch(items: Iterable[str], k: int) -> list[int]:
    return sorted({_hash(s) for s in items})[:k]


def fingerprint(text: str | Iterable[str], *, k: int = FINGERPRINT_K) -> str:
    """The fingerprint of ``text`` (a string or page texts); empty text gives ``mh1:0:``."""
    joined = text if isinstance(text, str) else "\n".join(text)
    items = shingles(normalise_words(joined))
    values = _sketch(items, k)
    packed = struct.pack(f">{len(values)}Q", *values)
    return f"{_PREFIX}:{len(items)}:{base64.b64encode(packed).decode('ascii')}"


def _decode(fp: str) -> tuple[int, list[int]]:
    try:
        prefix, count, b64 = fp.split(":", 2)
        if prefix != _PREFIX:
            raise ValueError(f"unknown fingerprint encoding {prefix!r}")
        raw = base64.b64decode(b64, validate=True)
        if len(raw) % 8:
            raise ValueError("the hash list is not a whole number of 64-bit values")
        return int(count), list(struct.unpack(f">{len(raw) // 8}Q", raw))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{fp[:40]!r} is not a dossierlink text fingerprint: {exc}") from None


def fingerprint_similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets, 0.0 .. 1.0.

    Bottom-k estimate: of the k smallest hashes of the union, the share both texts hold.
    Exact when both texts have at most k shingles. Empty text is similar to nothing.
    """
    _, ha = _decode(a)
    _, hb = _decode(b)
    if not ha or not hb:
        return 0.0
    sa, sb = set(ha), set(hb)
    union = sorted(sa | sb)
    if len(ha) >= FINGERPRINT_K or len(hb) >= FINGERPRINT_K:
        union = union[: min(len(ha), len(hb))]
    both = sum(1 for h in union if h in sa and h in sb)
    return both / len(union)


def fingerprint_containment(part: str, whole: str) -> float:
    """Estimated share of ``part``'s shingles that ``whole`` also has, 0.0 .. 1.0.

    Near 1 when ``part`` is ``whole`` with pages missing (a scan that lost pages still holds
    only the original's text); clearly lower when ``part`` says things ``whole`` does not.
    """
    _, hp = _decode(part)
    _, hw = _decode(whole)
    if not hp or not hw:
        return 0.0
    # Hashes above a truncated sketch's largest value are unknown to it: compare below both.
    limit = min(hp[-1] if len(hp) >= FINGERPRINT_K else 2**64, hw[-1] if len(hw) >= FINGERPRINT_K else 2**64)
    sw = set(hw)
    considered = [h for h in hp if h <= limit]
    if not considered:
        return 0.0
    return sum(1 for h in considered if h in sw) / len(considered)


def same_text(paper: str, digital: str) -> bool:
    """True when the paper version's fingerprint says it is a copy of the digital one.

    Missing pages alone do not make it another text (pages_missing reports those).
    """
    if fingerprint_similarity(paper, digital) >= SAME_TEXT_THRESHOLD:
        return True
    return fingerprint_containment(paper, digital) >= CONTAINED_THRESHOLD
