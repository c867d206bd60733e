"""The version of dossierlink, in one place (the package face, the CLI and the reports read it)."""

__version__ = "0.1.0"
