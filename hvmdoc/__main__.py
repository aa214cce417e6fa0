"""``python -m hvmdoc`` runs the CLI."""

import sys

from hvmdoc.cli import main

sys.exit(main())
