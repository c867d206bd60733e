"""The synthetic chain generator behind ``dossierlink samples generate`` (with its known truth).

Layers, each importing only those above it: ``model`` (cases, holdings, document copies, chain
steps) and ``output`` (the folder written to); ``cases`` (making cases, injecting divergences,
the truth); the writers ``inventory``, ``paper`` and ``exports``; ``chain``, which composes them.
"""

from __future__ import annotations

from dossierlink.synth.chain import GenerateSummary, generate_chain
from dossierlink.synth.model import DIVERGENCE_KINDS, REFERENCE_DAY, today

__all__ = ["DIVERGENCE_KINDS", "REFERENCE_DAY", "GenerateSummary", "generate_chain", "today"]
