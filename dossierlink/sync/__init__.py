"""The ``dossierlink sync`` daemon: event intake, stability, the worker pool, quarantine and the status file."""
