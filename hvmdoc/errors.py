"""Errors shared by every layer, and the exit codes the CLI maps them to.

Exit codes (the CLI contract): 0 success, 1 a check found a difference,
2 bad usage or bad input.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_DIFFERENCE = 1
EXIT_BAD_INPUT = 2


class HvmdocError(Exception):
    """An error the CLI reports as one line on stderr, exiting with ``exit_code``."""

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class BadInput(HvmdocError):
    """Input (a file, a block, an argument) that hvmdoc cannot use."""
