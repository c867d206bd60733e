"""Built-in adapters, installed as ``dossierlink.adapters``: one module per organisation or format.

Each module uses the core's public names, as a third-party adapter package would:
``dossierlink.ingest`` (the protocol, the readers, the record builder), ``dossierlink.schema`` and
``dossierlink.identifiers``; the scan and inventory adapters also use ``dossierlink.paper``. The
core finds them only through the ``dossierlink.adapters`` entry-point group.
"""
