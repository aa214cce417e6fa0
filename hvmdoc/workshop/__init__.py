"""The workshop kit: ``hvmdoc shell``, a SmartOS global-zone simulator for a classroom.

The shell is a thin read-eval-print loop over :class:`hvmdoc.tools.terminal.Terminal`
(the one implementation of every emulated command, shared with ``hvmdoc run`` and
the docs checker). This package adds only what a person at a keyboard needs:

- :mod:`~hvmdoc.workshop.api` the small terminal interface the loop drives,
- :mod:`~hvmdoc.workshop.shared` one host shared by several terminals, with a lock
  and a journal of who typed what,
- :mod:`~hvmdoc.workshop.attach` a second terminal from another window
  (``hvmdoc shell --attach``) over a Unix socket,
- :mod:`~hvmdoc.workshop.record` the journal as an executable block page,
- :mod:`~hvmdoc.workshop.repl` the loop itself (line editor, plain, scripted).
"""
