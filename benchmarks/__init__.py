"""dossierlink benchmarks: ``python -m benchmarks --size small|medium|large`` (see docs/performance.md)."""
