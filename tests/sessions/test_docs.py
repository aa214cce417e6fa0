"""The site's pages: well-formed blocks, the seed's transcripts present, mutations caught.

Whether each block *passes* is the job of the pytest items the plugin makes of
``docs/`` (and of ``hvmdoc check docs``); these tests hold the pages to the rules
around them.

Mutations: every output line of every session block is changed, once by an
edit (text appended) and once by a deletion, and the block must then fail
(about 1 000 replays, a few seconds: real commands run once each). The seed's
transcripts, including the annotated trace ``hvmdoc symbolize`` prints, are
held to it first, as written. A deletion next to an elision line (``...``) is
not tried: the elision rightly absorbs it. One mutation goes through ``hvmdoc
check`` itself, on a copy of a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import check_pages, shared_file

from hvmdoc.sessions.blocks import Document, SessionBlock, load
from hvmdoc.sessions.compare import is_elision
from hvmdoc.sessions.find import markdown_files, read_page, scan
from hvmdoc.sessions.real import RealCommands, run_in_process, run_real, runs_in_process
from hvmdoc.sessions.replay import known_scenarios, replay_document
from hvmdoc.sessions.transcript import Mode, StepKind, split

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SEED = "seeds/000_3cd7c55f9db8d4a4.txt"
#: The two kinds of mutation: append text to an output line, or delete it.
KINDS = ("edit", "delete")
#: Fewest output lines a seed transcript must share verbatim with a block that
#: does not show its command (``hvmdoc symbolize``'s annotated trace).
MIN_SHARED_OUTPUT = 3
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


def _contains_verbatim(block: list[str], lines: list[str]) -> bool:
    """Whether ``block`` holds ``lines`` in a row, trailing blanks aside, annotations kept."""
    wanted = [line.rstrip() for line in lines]
    have = [line.rstrip() for line in block]
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def seed_blocks(docs: list[Document]) -> Iterator[tuple[list[str], Document, SessionBlock]]:
    """Blocks showing a seed transcript: the whole of it (the author's hand edits
    undone), or its output exactly as the post prints it under another command
    (the annotated trace ``hvmdoc symbolize`` reproduces)."""
    for transcript in seed_transcripts():
        output = transcript[1:]
        for document in docs:
            for block in document.sessions:
                lines = list(block.fence.lines)
                if _contains(lines, transcript) or (
                    len(output) >= MIN_SHARED_OUTPUT and _contains_verbatim(lines, output)
                ):
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


def test_the_annotated_trace_counts_among_the_seed_blocks() -> None:
    # The post's dtrace transcript with its hand-written (function+offset)
    # names is on the site as the output of `hvmdoc symbolize`.
    shown = {
        block.steps[0].command
        for _, _, block in seed_blocks(documents())
        if block.steps and block.steps[0].kind is StepKind.REAL
    }
    assert any(command.startswith("hvmdoc symbolize ") for command in shown), shown


class _CachedReal(RealCommands):
    """Real commands run once each: a mutation never changes what they print."""

    def __init__(self) -> None:
        super().__init__()
        self._outputs: dict[tuple[str, Path], str] = {}

    def run(self, command: str, cwd: Path) -> str:
        key = (command, cwd)
        if key not in self._outputs:
            self._outputs[key] = super().run(command, cwd)
        return self._outputs[key]


def _mutated_text(text: str, file_line: int, kind: str) -> str:
    """``text`` with its 1-based line ``file_line`` edited or deleted."""
    lines = text.splitlines(keepends=True)
    if kind == "edit":
        lines[file_line - 1] = lines[file_line - 1].rstrip("\r\n") + " (mutated)\n"
    else:
        del lines[file_line - 1]
    return "".join(lines)


def _caught(
    document: Document, block: SessionBlock, line_index: int, kind: str, real: RealCommands
) -> bool:
    """Whether replaying ``document`` with one output line of ``block`` mutated fails."""
    file_line = block.fence.line + 1 + line_index
    text = _mutated_text(document.page.text, file_line, kind)
    mutated, errors = load(scan(document.path, text), known_scenarios())
    assert not errors, [error.message for error in errors]
    target = next(b for b in mutated.sessions if b.line == block.line)
    results = replay_document(mutated, real=real, only=[target])
    return not all(result.ok for result in results)


def _output_lines(block: SessionBlock) -> list[tuple[int, bool]]:
    """Output lines a reader would read, as (index in the block, whether deleting
    it must fail): not elisions, not the blank lines that end the block; a line
    next to an elision line can be deleted unnoticed (the elision absorbs it)."""
    indexes = []
    last = block.steps[-1]
    for step in block.steps:
        output = list(step.output)
        while step is last and output and not output[-1].strip():
            output.pop()
        for offset, line in enumerate(output):
            if is_elision(line, block.elide):
                continue
            neighbours = output[max(offset - 1, 0) : offset] + output[offset + 1 : offset + 2]
            deletable = not any(is_elision(other, block.elide) for other in neighbours)
            indexes.append((step.index + 1 + offset, deletable))
    return indexes


def _passing(document: Document, block: SessionBlock, real: RealCommands) -> bool:
    return all(result.ok for result in replay_document(document, real=real, only=[block]))


def _escaped(document: Document, block: SessionBlock, real: RealCommands) -> tuple[int, list[str]]:
    """Mutate every output line of ``block`` both ways: (how many tried, those that passed)."""
    tried = 0
    escaped = []
    for index, deletable in _output_lines(block):
        for kind in KINDS if deletable else KINDS[:1]:
            tried += 1
            if not _caught(document, block, index, kind, real):
                escaped.append(f"{kind} of {document.path}:{block.line + 1 + index}")
    return tried, escaped


def test_changing_any_output_line_of_a_seed_transcript_fails_the_check() -> None:
    real = _CachedReal()
    tried = 0
    for _, document, block in seed_blocks(documents()):
        assert _passing(document, block, real), f"{document.path}:{block.line} fails as written"
        count, escaped = _escaped(document, block, real)
        assert escaped == [], escaped
        tried += count
    assert tried > 0


def test_changing_any_output_line_of_any_block_fails_the_check() -> None:
    real = _CachedReal()
    tried = 0
    escaped: list[str] = []
    for document in documents():
        for block in document.sessions:
            if not _passing(document, block, real):
                continue  # already failing: its own pytest item reports it
            count, found = _escaped(document, block, real)
            tried += count
            escaped.extend(found)
    assert tried > 800, f"only {tried} mutations of the output lines under docs/"
    assert escaped == [], f"mutations that pass: {escaped}"


def test_hvmdoc_check_fails_a_mutated_copy_with_file_line_and_diff(tmp_path: Path) -> None:
    source = DOCS / "story" / "who-holds-it.md"
    document, errors = load(read_page(source), known_scenarios())
    assert not errors
    block = document.sessions[0]
    index = next(
        index
        for index, _ in _output_lines(block)
        if "..." not in block.fence.lines[index] and block.fence.lines[index].strip()
    )
    file_line = block.fence.line + 1 + index
    original = document.page.text.splitlines()[file_line - 1]
    page = tmp_path / "docs" / "who-holds-it.md"
    page.parent.mkdir()
    page.write_text(_mutated_text(document.page.text, file_line, "edit"), encoding="utf-8")
    result = check_pages(page)
    assert result.returncode == 1, result.stdout + result.stderr
    step = next(s for s in block.steps if s.index < index <= s.index + len(s.output))
    assert f"{page}:{block.fence.line + 1 + step.index}: " in result.stdout, result.stdout
    assert f"-{original.rstrip()} (mutated)" in result.stdout
    assert f"+{original.rstrip()}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


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
