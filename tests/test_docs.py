"""The README stays honest: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "clarion" / "settings.py").read_text()
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_source))
    assert {
        "DATABASE_URL",
        "SECRET_KEY",
        "EMAIL_URL",
        "CLARION_BASE_URL",
        "DEBUG",
        "ALLOWED_HOSTS",
        "TIME_ZONE",
    } <= names
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"not in README: {missing}"


def test_every_command_is_documented():
    commands = {
        path.stem
        for path in (ROOT / "clarion").glob("*/management/commands/*.py")
        if path.stem != "__init__"
    }
    assert "demo" in commands
    missing = sorted(c for c in commands if f"clarion {c}" not in README)
    assert not missing, f"not in README: {missing}"


def test_readme_quick_start_has_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick_start.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
