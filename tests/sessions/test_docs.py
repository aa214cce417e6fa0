"""The site's pages: well-formed blocks, the seed's transcripts present, mutations caught.

Whether each block *passes* is the job of the pytest items the plugin makes of
``docs/`` (and of ``hvmdoc check docs``); these tests hold the pages to the rules
around them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import shared_file

from hvmdoc.sessions.blocks import Document, SessionBlock, load
from hvmdoc.sessions.find import markdown_files, read_page, scan
from hvmdoc.sessions.real import run_in_process, run_real, runs_in_process
from hvmdoc.sessions.replay import known_scenarios, replay_document
from hvmdoc.sessions.transcript import Mode, StepKind, split

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SEED = "seeds/000_3cd7c55f9db8d4a4.txt"
#: How many non-seed (block, line) mutations to try per run (all seed lines always).
SAMPLE = 12
_ANNOTATION = re.compile(r" \([A-Za-z_][A-Za-z0-9_]*\+0x[0-9a-f]+\)$")
_MODULES = re.compile(r"^Loading modules: \[ .* \]$")


def documents() -> list[Document]:
    docs = []
    for path in markdown_files([DOCS]):
        document, errors = load(read_page(path), known_scenarios())
        assert not errors, "\n".join(error.message for error in errors)
        docs.append(document)
    return docs


def test_every_page_is_valid_input_and_every_console_block_is_run_or_explained() -> None:
    problems: list[str] = []
    for path in markdown_files([DOCS]):
        _, errors = load(read_page(path), known_scenarios())
        problems.extend(error.message for error in errors)
    assert problems == []


def seed_transcripts() -> list[list[str]]:
    """The seed post's shell/mdb/dtrace transcripts (its fences that start at a prompt)."""
    page = scan(Path(SEED), shared_file(SEED).read_text(encoding="utf-8"))
    transcripts = []
    for fence in page.fences:
        lines = list(fence.lines)
        if not lines:
            continue
        mode = Mode.MDB if lines[0].startswith("> ") else Mode.SHELL
        try:
            split(lines, 1, mode)
        except ValueError:
            continue  # the pc_hvm.c comment: code, not a transcript
        transcripts.append(lines)
    return transcripts


def _normal(line: str) -> str:
    """A line with the seed author's hand edits undone (and trailing blanks ignored)."""
    line = _ANNOTATION.sub("", line.rstrip())
    return "Loading modules: [ ... ]" if _MODULES.match(line) else line


def _contains(block: list[str], transcript: list[str]) -> bool:
    wanted = [_normal(line) for line in transcript]
    have = [_normal(line) for line in block]
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def seed_blocks(docs: list[Document]) -> Iterator[tuple[list[str], Document, SessionBlock]]:
    for transcript in seed_transcripts():
        for document in docs:
            for block in document.sessions:
                if _contains(list(block.fence.lines), transcript):
                    yield transcript, document, block


def test_seed_has_the_five_transcripts() -> None:
    firsts = [transcript[0] for transcript in seed_transcripts()]
    assert firsts == [
        "# mdb -k",
        "> hvm_excl_holder::print",
        "# dtrace -n 'hvm_excl_*:entry { stack() }'",
        "[root@emy-17 /root]# vmadm start $(vm test)",
        "# echo hvm_excl_holder::print | mdb -k",
    ]


def test_every_seed_transcript_is_an_executable_block_on_the_site() -> None:
    docs = documents()
    found = {tuple(transcript) for transcript, _, _ in seed_blocks(docs)}
    missing = [t[0] for t in seed_transcripts() if tuple(t) not in found]
    assert missing == [], f"seed transcripts not on the site as .hvmdoc blocks: {missing}"


def _mutate(document: Document, block: SessionBlock, line_index: int) -> bool:
    """Whether replaying ``document`` with one output line of ``block`` changed fails."""
    lines = document.page.text.splitlines(keepends=True)
    file_line = block.fence.line + 1 + line_index
    original = lines[file_line - 1]
    lines[file_line - 1] = original.rstrip("\r\n") + " (mutated)\n"
    mutated, errors = load(scan(document.path, "".join(lines)), known_scenarios())
    assert not errors
    target = next(b for b in mutated.sessions if b.line == block.line)
    results = replay_document(mutated, only=[target])
    return not all(result.ok for result in results)


def _output_lines(block: SessionBlock) -> list[int]:
    """Indexes (in the block) of output lines a reader would read: not elisions, not the
    blank lines that end the block."""
    indexes = []
    last = block.steps[-1]
    for step in block.steps:
        output = list(step.output)
        while step is last and output and not output[-1].strip():
            output.pop()
        for offset, line in enumerate(output):
            if line.strip() != "...":
                indexes.append(step.index + 1 + offset)
    return indexes


def _passing(document: Document, block: SessionBlock) -> bool:
    return all(result.ok for result in replay_document(document, only=[block]))


def test_changing_any_output_line_of_a_seed_transcript_fails_the_check() -> None:
    docs = documents()
    checked = 0
    for _, document, block in seed_blocks(docs):
        assert _passing(document, block), f"{document.path}:{block.line} does not pass as written"
        for index in _output_lines(block):
            assert _mutate(document, block, index), f"{document.path}:{block.line + 1 + index}"
            checked += 1
    assert checked > 0


def test_changing_a_sampled_output_line_of_any_block_fails_the_check() -> None:
    docs = documents()
    candidates = [
        (document, block, index)
        for document in docs
        for block in document.sessions
        for index in _output_lines(block)
    ]
    if not candidates:
        pytest.skip("no session blocks with output under docs/ yet")
    rng = random.Random(len(candidates))
    sample = rng.sample(candidates, min(SAMPLE, len(candidates)))
    tried = 0
    for document, block, index in sample:
        if not _passing(document, block):
            continue  # already failing: its own pytest item reports it
        assert _mutate(document, block, index), f"{document.path}:{block.line + 1 + index}"
        tried += 1
    assert tried > 0, "no sampled block passes as written"


def test_plain_real_commands_print_the_same_in_process_as_in_a_subprocess() -> None:
    commands = sorted(
        {
            step.command
            for document in documents()
            for block in document.sessions
            for step in block.steps
            if step.kind is StepKind.REAL and runs_in_process(step.command)
        }
    )
    if not commands:
        pytest.skip("no plain $ commands under docs/ yet")
    with ThreadPoolExecutor(4) as pool:
        expected = list(pool.map(lambda command: run_real(command, ROOT), commands))
    for command, real in zip(commands, expected, strict=True):
        assert run_in_process(command, ROOT) == real, command
