"""The attach protocol in one process: a served host, a remote terminal, one model."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import assert_pages_check

from hvmdoc.errors import HvmdocError
from hvmdoc.workshop.attach import (
    ConnectionLost,
    HostServer,
    RemoteTerminal,
    find_socket,
    runtime_dir,
)
from hvmdoc.workshop.record import HostSpec
from hvmdoc.workshop.shared import SharedHost

DTRACE = "dtrace -n 'hvm_excl_*:entry { stack() }'"
PROMPT = "[root@emy-17 /root]# "


@pytest.fixture
def private_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    monkeypatch.setenv("HVMDOC_RUNTIME_DIR", str(directory))
    return directory


@pytest.fixture
def served(private_dir: Path) -> Iterator[tuple[SharedHost, HostServer]]:
    host = SharedHost(HostSpec("emy-17", None, None, 5))
    server = HostServer.open(host)
    yield host, server
    server.close()


def test_socket_is_private_and_found(served: tuple[SharedHost, HostServer]) -> None:
    _, server = served
    assert server.path.parent == runtime_dir()
    assert oct(server.path.stat().st_mode & 0o777) == "0o600"
    assert find_socket() == server.path


def test_remote_dtrace_sees_what_the_local_terminal_fires(
    served: tuple[SharedHost, HostServer],
) -> None:
    host, _server = served
    local = host.terminal()
    remote = RemoteTerminal(find_socket())
    try:
        assert remote.prompt == PROMPT and not remote.in_mdb
        job = remote.start(DTRACE)
        assert not isinstance(job, str)
        assert "matched 2 probes" in job.read()
        assert local.execute("vmadm start $(vm test)").startswith("Successfully started VM")
        assert "hvm_excl_hold:entry" in job.read()
        job.interrupt()
        assert remote.complete("vmadm sta") == ["start"]
        assert (
            remote.execute("echo hvm_excl_holder::print | mdb -k") == '0xfffffffff82caded "bhyve"\n'
        )
    finally:
        remote.close()


def test_local_background_dtrace_shows_remote_commands_as_pending(
    served: tuple[SharedHost, HostServer], tmp_path: Path
) -> None:
    host, server = served
    local = host.terminal()
    assert local.execute(DTRACE + " &").startswith("[1] ")
    remote = RemoteTerminal(server.path)
    try:
        remote.execute("vmadm start $(vm test)")
    finally:
        remote.close()
    shown = local.pending()
    assert "hvm_excl_hold:entry" in shown
    # Shown at the prompt, it still belongs to the next command in the recording,
    # where a replay prints it; the remote command became that block's set-up.
    local.execute("vmadm list state=running")
    page = tmp_path / "rec.md"
    page.write_text(local.record())
    text = page.read_text()
    assert 'data-setup="vmadm start $(vm test)"' in text
    assert_pages_check(page)


def test_reset_from_a_remote_terminal_resets_the_shared_host(
    served: tuple[SharedHost, HostServer],
) -> None:
    host, server = served
    local = host.terminal()
    local.execute("vmadm start $(vm test)")
    remote = RemoteTerminal(server.path)
    try:
        assert "seed 5" in remote.reset()
    finally:
        remote.close()
    assert "running" not in local.execute("vmadm list")


def test_exit_closes_only_that_terminal(served: tuple[SharedHost, HostServer]) -> None:
    host, server = served
    remote = RemoteTerminal(server.path)
    try:
        assert remote.execute("exit") == "logout\n"
        assert remote.closed
    finally:
        remote.close()
    assert not host.terminal().closed


def test_lost_server_is_connection_lost(private_dir: Path) -> None:
    host = SharedHost(HostSpec("emy-17", None, None, 5))
    server = HostServer.open(host)
    remote = RemoteTerminal(server.path)
    server.close()
    remote._sock.shutdown(socket.SHUT_RDWR)
    with pytest.raises(ConnectionLost):
        remote.execute("uname -v")
    remote.close()


def test_stale_sockets_are_skipped_and_removed(private_dir: Path) -> None:
    stale = private_dir / "emy-17.999999.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(stale))
    listener.close()  # bound, never listening: like a shell that died
    with pytest.raises(HvmdocError, match="no running hvmdoc shell"):
        find_socket()
    assert not stale.exists()


def test_a_shared_runtime_dir_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o755)
    monkeypatch.setenv("HVMDOC_RUNTIME_DIR", str(open_dir))
    with pytest.raises(HvmdocError, match="mode 0700"):
        runtime_dir()


def test_an_attached_terminal_records_its_own_view(
    served: tuple[SharedHost, HostServer], tmp_path: Path
) -> None:
    host, server = served
    local = host.terminal()
    remote = RemoteTerminal(server.path)
    try:
        remote.execute("mdb -k")
        local.execute("vmadm start $(vm kvm-debian8)")
        remote.execute("hvm_excl_holder::print")
        remote.execute("$q")
        page = tmp_path / "remote.md"
        page.write_text(remote.record())
    finally:
        remote.close()
    text = page.read_text()
    assert 'data-setup="vmadm start $(vm kvm-debian8)"' in text
    assert '> hvm_excl_holder::print\n0xfffffffff8224185 "SmartOS KVM"' in text
    assert_pages_check(page)


def test_a_reboot_ends_a_remote_foreground_job_and_tells_the_remote_terminal(
    served: tuple[SharedHost, HostServer],
) -> None:
    host, server = served
    local = host.terminal()
    remote = RemoteTerminal(server.path)
    try:
        job = remote.start(DTRACE)
        assert not isinstance(job, str)
        job.read()
        assert not job.done
        assert local.execute("reboot") == ""  # the record keeps reboot's real output
        assert "rebooted (seed 5, reboot 1)" in local.pending()
        job.read()
        assert job.done  # the shell's loop goes back to the prompt
        assert job.interrupt() == ""  # killed: no closing newlines
        assert remote.pending() == "hvmdoc: host rebooted from another terminal\n"
        assert remote.pending() == ""
        remote.execute("mdb -k")
        local.execute("vmadm start $(vm test)")
        local.execute(DTRACE + " &")
        assert remote.reset().startswith("hvmdoc: host reset")
        assert remote.prompt == PROMPT and not remote.in_mdb
        assert local.pending() == (
            f"hvmdoc: host reset from another terminal\n[1]+  Killed                  {DTRACE}\n"
        )
        assert local.execute("jobs") == ""
    finally:
        remote.close()
