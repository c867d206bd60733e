"""Built-in adapters, installed as ``dossierlink.adapters``: one module per organisation or format.

Each module imports the core (``dossierlink.ingest.adapter``, ``dossierlink.schema``); the core finds
them only through the ``dossierlink.adapters`` entry-point group.
"""
