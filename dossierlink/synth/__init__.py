"""The synthetic chain generator behind ``dossierlink samples generate`` (with its known truth)."""
