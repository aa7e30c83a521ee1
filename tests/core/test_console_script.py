"""The ``elearn`` command works from any folder, even one holding a clone named ``elearn``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_elearn_runs_the_flask_commands_beside_a_folder_named_elearn(tmp_path):
    (tmp_path / "elearn").mkdir()  # the clone, as `git clone …/elearn` names it
    elearn = Path(sys.executable).parent / "elearn"
    result = subprocess.run(
        [str(elearn), "courses", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Validate and import courses written as markdown files." in result.stdout
    flask = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "elearn", "courses", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert flask.returncode != 0  # why the console script exists (see elearn/cli.py)
