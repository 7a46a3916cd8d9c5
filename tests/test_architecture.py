"""The floors of the project (docs/architecture.md), as import-linter checks them.

`make test` runs `lint-imports` on the tree; these tests show that the contract holds
today and that it would catch an upward import, even one hidden inside a function.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_app_imports_only_the_floors_below_it():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    shutil.copytree(ROOT / "clarion", tmp_path / "clarion", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / module
    path.write_text(path.read_text() + line)
    return tmp_path


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    root = _copy_with(
        tmp_path,
        "clarion/core/text.py",
        "\n\ndef _sneaky():\n    from clarion.petitions import models  # noqa: F401\n",
    )
    result = _lint(root)
    assert result.returncode != 0
    assert "clarion.core is not allowed to import clarion.petitions" in result.stdout


def test_two_apps_on_one_floor_may_not_import_each_other(tmp_path):
    root = _copy_with(
        tmp_path, "clarion/letters/selectors.py", "\nfrom clarion.petitions import selectors\n"
    )
    result = _lint(root)
    assert result.returncode != 0
    assert "clarion.letters.selectors -> clarion.petitions.selectors" in result.stdout
