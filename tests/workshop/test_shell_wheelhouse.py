"""The offline kit: the wheelhouse installs with no index into a fresh venv and runs the shell.

`make wheelhouse` builds wheelhouse/ at set-up time (the only step that downloads);
this test uses exactly the commands the instructor page gives a room without network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from support import ROOT, unavailable

WHEELHOUSE = ROOT / "wheelhouse"
SCRIPT = "uname -v\nvmadm list\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _hvmdoc_wheel() -> Path:
    wheels = sorted(WHEELHOUSE.glob("hvmdoc-*.whl"))
    if not wheels:
        unavailable("wheelhouse/ is not built: run `make wheelhouse` (it downloads, once)")
    assert len(wheels) == 1, f"several hvmdoc wheels in wheelhouse/: {wheels}"
    return wheels[0]


def test_the_hvmdoc_wheel_holds_the_current_sources() -> None:
    # `make wheelhouse` rebuilds hvmdoc's wheel only when its sources change (a
    # stamp): a stale wheel would install yesterday's shell on the trainees' laptops
    wheel = _hvmdoc_wheel()
    with zipfile.ZipFile(wheel) as archive:
        packaged = {
            name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("hvmdoc/") and not name.endswith("/")
        }
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_bytes()
        for path in (ROOT / "hvmdoc").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".typed"}
    }
    stale = sorted(name for name in sources if packaged.get(name) != sources[name])
    assert not stale, f"{wheel.name} is older than the sources (run `make wheelhouse`): {stale}"


def test_wheelhouse_installs_offline_and_runs_the_shell(tmp_path: Path) -> None:
    _hvmdoc_wheel()
    venv = tmp_path / "hvmdoc-venv"
    env = _env()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env, timeout=120)
    install = subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(WHEELHOUSE),
            "hvmdoc",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import hvmdoc; print(hvmdoc.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    # the line editor's dependencies (piped stdin below never loads them)
    editor = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import prompt_toolkit, wcwidth; from hvmdoc.workshop import completion; "
            "print(wcwidth.wcwidth('a'))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert editor.returncode == 0 and editor.stdout == "1\n", editor.stderr

    shell = subprocess.run(
        [str(venv / "bin" / "hvmdoc"), "shell", "--seed", "5"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stderr == ""
    reference = subprocess.run(
        [sys.executable, "-m", "hvmdoc", "run", "--seed", "5", "-"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert shell.stdout == reference.stdout
    assert "[root@emy-17 /root]# vmadm list" in shell.stdout
