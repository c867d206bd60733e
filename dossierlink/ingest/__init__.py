"""Ingestion: the adapter protocol, declarative readers, the record builder and the pipeline of named steps."""
