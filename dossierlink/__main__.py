"""``python -m dossierlink``: the same as the ``dossierlink`` command."""

from dossierlink.cli import main

main(prog_name="dossierlink")
