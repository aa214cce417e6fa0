"""``python -m hvmdoc`` runs the CLI."""

from hvmdoc.cli import main

main()
