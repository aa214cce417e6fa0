"""A second terminal on the same host: ``hvmdoc shell --attach``.

The first interactive ``hvmdoc shell`` serves its host on a Unix socket in a
private per-user directory (``$HVMDOC_RUNTIME_DIR``, else
``$XDG_RUNTIME_DIR/hvmdoc``, else ``/tmp/hvmdoc-UID``; mode 0700, checked).
``--attach`` connects to the newest live socket there (or ``--socket PATH``)
and gets a terminal of its own on that host: the model stays in one process,
so a ``dtrace`` left running in one window prints the probes that a ``vmadm``
typed in the other fires, as it happens.

The protocol is one JSON object per line each way, request then reply:
``{"op": "execute", "line": ...}`` -> ``{"output": ..., "prompt": ..., "in_mdb": ...}``
(ops: hello, state, execute, start, read, interrupt, complete, pending, reset,
record); a failure replies ``{"error": message}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import socketserver
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any, cast

from hvmdoc.errors import HvmdocError
from hvmdoc.workshop.shared import SharedHost, SharedJob, SharedTerminal

SOCKET_SUFFIX = ".sock"


class ConnectionLost(HvmdocError):
    """The shell serving the host went away."""

    exit_code = 1


def runtime_dir() -> Path:
    """The private directory holding the sockets of this user's shells."""
    override = os.environ.get("HVMDOC_RUNTIME_DIR")
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if override:
        directory = Path(override)
    elif xdg and Path(xdg).is_dir():
        directory = Path(xdg) / "hvmdoc"
    else:
        directory = Path(tempfile.gettempdir()) / f"hvmdoc-{os.getuid()}"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise HvmdocError(f"{directory} must belong to you and have mode 0700")
    return directory


def _send(stream: Any, message: dict[str, Any]) -> None:
    stream.write((json.dumps(message) + "\n").encode("utf-8"))
    stream.flush()


class _Handler(socketserver.StreamRequestHandler):
    """Serves one attached terminal for as long as its connection lasts."""

    server: HostServer

    def handle(self) -> None:
        terminal = self.server.host.terminal()
        job: SharedJob | None = None
        try:
            for raw in self.rfile:
                try:
                    request = json.loads(raw)
                    reply, job = _answer(terminal, job, request)
                except Exception as exc:
                    reply = {"error": f"{type(exc).__name__}: {exc}"}
                _send(self.wfile, reply)
        except OSError:
            pass
        finally:
            if job is not None:
                job.interrupt()
            terminal.close()


def _state(terminal: SharedTerminal) -> dict[str, Any]:
    return {"prompt": terminal.prompt, "in_mdb": terminal.in_mdb, "closed": terminal.closed}


def _answer(
    terminal: SharedTerminal, job: SharedJob | None, request: dict[str, Any]
) -> tuple[dict[str, Any], SharedJob | None]:
    """One request's reply, and the foreground job after it."""
    op = request.get("op")
    spec = terminal.host.spec
    if op == "hello":
        return {"scenario": spec.scenario, "seed": spec.seed, **_state(terminal)}, job
    if op == "state":
        return _state(terminal), job
    if op == "execute":
        return {"output": terminal.execute(str(request["line"])), **_state(terminal)}, job
    if op == "start":
        result = terminal.start(str(request["line"]))
        if isinstance(result, str):
            return {"output": result, "job": False, **_state(terminal)}, None
        return {"output": "", "job": True, **_state(terminal)}, result
    if op == "read":
        return {"output": job.read() if job else "", "done": job.done if job else True}, job
    if op == "interrupt":
        return {"output": job.interrupt() if job else "", **_state(terminal)}, None
    if op == "complete":
        return {"candidates": terminal.complete(str(request["text"]))}, job
    if op == "pending":
        return {"output": terminal.pending()}, job
    if op == "reset":
        return {"output": terminal.reset(), **_state(terminal)}, job
    if op == "record":
        return {"page": terminal.record()}, job
    return {"error": f"unknown op {op!r}"}, job


class HostServer(socketserver.ThreadingUnixStreamServer):
    """Serves a `SharedHost` to attached shells, one thread per terminal."""

    daemon_threads = True

    def __init__(self, host: SharedHost, path: Path) -> None:
        self.host = host
        self.path = path
        super().__init__(str(path), _Handler)
        os.chmod(path, 0o600)
        self._thread = threading.Thread(target=self.serve_forever, name="hvmdoc-attach")
        self._thread.daemon = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A terminal that hung up mid-request is not worth a traceback in the class's
        first window (socketserver's default prints one)."""

    @classmethod
    def open(cls, host: SharedHost) -> HostServer:
        """Serve ``host`` on a new socket in `runtime_dir`, in a daemon thread."""
        path = runtime_dir() / f"{host.spec.scenario}.{os.getpid()}{SOCKET_SUFFIX}"
        path.unlink(missing_ok=True)
        server = cls(host, path)
        server._thread.start()
        return server

    def close(self) -> None:
        """Stop serving and remove the socket."""
        self.shutdown()
        self.server_close()
        self.path.unlink(missing_ok=True)


def find_socket() -> Path:
    """The newest socket of a running shell; stale ones are removed on the way."""
    candidates = sorted(
        runtime_dir().glob(f"*{SOCKET_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for path in candidates:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink(missing_ok=True)
            continue
        finally:
            probe.close()
        return path
    raise HvmdocError(
        "no running hvmdoc shell to attach to: start `hvmdoc shell` in another window first"
    )


class RemoteJob:
    """A foreground job running in the serving shell's process."""

    def __init__(self, terminal: RemoteTerminal) -> None:
        self._terminal = terminal
        self._done = False

    @property
    def done(self) -> bool:
        """True once a read found the job ended by itself."""
        return self._done

    def read(self) -> str:
        """Output since the last read."""
        reply = self._terminal.call("read")
        self._done = bool(reply.get("done", False))
        return str(reply["output"])

    def interrupt(self) -> str:
        """Stop the job as Ctrl-C does."""
        return str(self._terminal.call("interrupt")["output"])


class RemoteTerminal:
    """A terminal on a host served by another shell; implements ``api.Term``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._sock.connect(str(path))
        except OSError as exc:
            raise HvmdocError(f"cannot attach to {path}: {exc.strerror or exc}") from exc
        self._stream = self._sock.makefile("rwb")
        self._lock = threading.Lock()
        hello = self.call("hello")
        self.scenario = str(hello["scenario"])
        self.seed = int(hello["seed"])

    def call(self, op: str, **fields: str) -> dict[str, Any]:
        """Send one request and wait for its reply."""
        with self._lock:
            try:
                _send(self._stream, {"op": op, **fields})
                raw = self._stream.readline()
            except OSError as exc:
                raise ConnectionLost(f"the shell serving {self.scenario_name} has gone") from exc
        if not raw:
            raise ConnectionLost(f"the shell serving {self.scenario_name} has gone")
        reply = cast(dict[str, Any], json.loads(raw))
        if "error" in reply:
            raise HvmdocError(f"the serving shell failed: {reply['error']}", exit_code=1)
        return reply

    @property
    def scenario_name(self) -> str:
        """The host's scenario, once known."""
        return getattr(self, "scenario", "the host")

    @property
    def prompt(self) -> str:
        """The prompt the next line is typed at."""
        return str(self.call("state")["prompt"])

    @property
    def in_mdb(self) -> bool:
        """True while an interactive ``mdb -k`` is open here."""
        return bool(self.call("state")["in_mdb"])

    @property
    def closed(self) -> bool:
        """True once this terminal's shell logged out (``exit``)."""
        return bool(self.call("state")["closed"])

    def execute(self, line: str) -> str:
        """Run one line to completion."""
        return str(self.call("execute", line=line)["output"])

    def start(self, line: str) -> RemoteJob | str:
        """Run one line; a long-running one comes back as a `RemoteJob`."""
        reply = self.call("start", line=line)
        return RemoteJob(self) if reply["job"] else str(reply["output"])

    def complete(self, text: str) -> list[str]:
        """Tab-completion candidates."""
        return [str(c) for c in self.call("complete", text=text)["candidates"]]

    def pending(self) -> str:
        """Background-job output waiting to be shown."""
        return str(self.call("pending")["output"])

    def reset(self) -> str:
        """Reset the whole (shared) host."""
        return str(self.call("reset")["output"])

    def record(self) -> str:
        """This terminal's session as a page."""
        return str(self.call("record")["page"])

    def close(self) -> None:
        """Hang up (a request still buffered for a server that is gone is dropped)."""
        with contextlib.suppress(OSError):
            self._stream.close()
        self._sock.close()
