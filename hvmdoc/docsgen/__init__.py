"""Pages and diagrams of the site that are generated, not written by hand.

``hvmdoc docs`` writes them and ``hvmdoc docs --check`` (and a test) fails when a
committed file differs from what the code would write now, so they cannot drift
and the site build needs no plugin to produce them:

- ``docs/model/assumptions.md`` from `hvmdoc.model.registry.ASSUMPTIONS`;
- ``docs/tools/cli.md`` from the click command tree `hvmdoc.cli.cli`;
- ``docs/api/*.md``: one mkdocstrings page per layer, listing its modules;
- ``docs/assets/diagrams/*.svg`` from `hvmdoc.docsgen.diagrams`.
"""

from __future__ import annotations

from hvmdoc.docsgen.generate import check, generated_files, write

__all__ = ["check", "generated_files", "write"]
