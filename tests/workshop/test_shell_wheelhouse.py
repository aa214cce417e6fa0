"""The offline kit: the wheelhouse installs with no index into a fresh venv and runs the shell.

`make wheelhouse` builds wheelhouse/ at set-up time (the only step that downloads);
this test uses exactly the commands the instructor page gives a room without network.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import ROOT, unavailable

WHEELHOUSE = ROOT / "wheelhouse"
SCRIPT = "uname -v\nvmadm list\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def test_wheelhouse_installs_offline_and_runs_the_shell(tmp_path: Path) -> None:
    if not list(WHEELHOUSE.glob("hvmdoc-*.whl")):
        unavailable("wheelhouse/ is not built: run `make wheelhouse` (it downloads, once)")
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
