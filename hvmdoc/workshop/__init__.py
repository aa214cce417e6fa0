"""The workshop kit: ``hvmdoc shell``, a SmartOS global-zone simulator for a classroom.

The shell is a thin read-eval-print loop over `hvmdoc.tools.terminal.Terminal`,
the one implementation of every emulated command (shared with ``hvmdoc run`` and
the docs checker). This package adds only what a person at a keyboard needs:

- `api` the small terminal interface the loop drives;
- `shared` one host for several terminals, with a lock,
  writing every command to a `journal`;
- `attach` a second terminal from another window
  (``hvmdoc shell --attach``) over a private Unix socket;
- `record` a terminal's journal as an executable block page;
- `repl` the loop (line editor, plain ``input()``, or a script)
  and `completion` Tab completion answered by the terminal;
- `seed` the seed that decides the reboot race, shown so a
  class can repeat a run.
"""
