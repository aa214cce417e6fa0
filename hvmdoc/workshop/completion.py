"""Tab completion for the line editor, answered by the terminal itself.

The tools' terminal knows the commands, subcommands, VM aliases and UUIDs and mdb
symbols (``Terminal.complete``); this adapter only tells prompt_toolkit which
part of the line a candidate replaces: the word before the cursor, as the tools
define it (`hvmdoc.tools.completion.current_word`).
"""

from __future__ import annotations

from collections.abc import Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from hvmdoc.tools.completion import current_word
from hvmdoc.workshop.api import Term


class TermCompleter(Completer):
    """Completions from `hvmdoc.workshop.api.Term.complete`."""

    def __init__(self, term: Term) -> None:
        self.term = term

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        text = document.text_before_cursor
        word = current_word(text)
        try:
            candidates = self.term.complete(text)
        except Exception:  # Tab must never break the line being typed
            return
        for candidate in candidates:
            yield Completion(candidate, start_position=-len(word))
