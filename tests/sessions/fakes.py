"""A tiny stand-in for hvmdoc.tools' host and terminal, for engine unit tests."""

from __future__ import annotations

from collections.abc import Sequence

from hvmdoc.sessions.blocks import HostSpec
from hvmdoc.tools.script import Unseen, run_unseen


class FakeHost:
    """A host with VMs that start and stop, and a lock holder mdb can print."""

    def __init__(self, spec: HostSpec) -> None:
        if spec.scenario == "nope":
            raise ValueError("unknown scenario 'nope'")
        self.spec = spec
        self.hostname = spec.scenario or "fake"
        self.running: list[str] = []
        self.terminals: list[FakeTerminal] = []
        self.log: list[str] = []

    def terminal(self) -> FakeTerminal:
        terminal = FakeTerminal(self)
        self.terminals.append(terminal)
        return terminal

    @property
    def holder(self) -> str:
        return f'0xfffffffff82caded "{self.running[0]}"' if self.running else "0"


class FakeTerminal:
    """Understands a handful of commands; enough to exercise the replay."""

    def __init__(self, host: FakeHost) -> None:
        self.host = host
        self.mdb = False
        self.exit_status = 0
        self.closed = False
        self.meanwhile_results: list[Unseen] = []

    @property
    def prompt(self) -> str:
        return "> " if self.mdb else f"[root@{self.host.hostname} /root]# "

    @property
    def in_mdb(self) -> bool:
        return self.mdb

    def execute(self, line: str, meanwhile: Sequence[str] = ()) -> str:
        self.exit_status = 0
        self.meanwhile_results = []
        self.host.log.append(line)
        if self.mdb:
            if line == "$q":
                self.mdb = False
                return ""
            if line == "hvm_excl_holder::print":
                return self.host.holder + "\n"
            self.exit_status = 1
            return "mdb: syntax error\n"
        words = line.split()
        if not words:
            return ""
        if line == "mdb -k":
            self.mdb = True
            return "Loading modules: [ unix genunix specfs ]\n"
        if words[0] == "echo":
            return " ".join(words[1:]) + "\n"
        if words[:2] == ["vmadm", "start"]:
            self.host.running.append(words[2])
            return f"Successfully started VM {words[2]}\n"
        if words[:2] == ["vmadm", "list"]:
            return "".join(f"{name}  running\n" for name in self.host.running)
        if words[0] == "uname":
            return f"joyent_{self.host.spec.platform or 'old'}\n"
        if words[0] == "dtrace":
            out = ["dtrace: description 'x' matched 2 probes"]
            self.meanwhile_results = run_unseen(self.host.terminal(), meanwhile)
            out.extend(f"fired {result.command} " for result in self.meanwhile_results)
            return "\n".join(out) + "\n\n"
        if words[0] == "exit":
            self.closed = True
            return "logout\n"
        if words[0] == "boom":
            raise RuntimeError("emulator bug")
        self.exit_status = 127
        return f"sh: {words[0]}: not found\n"


def fake_host(spec: HostSpec) -> FakeHost:
    """The host factory the tests hand to the replay."""
    return FakeHost(spec)
