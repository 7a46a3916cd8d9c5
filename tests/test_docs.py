"""The README stays honest: every setting and every command is documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


# --- the README's commands work as written in a fresh checkout -----------------------

# Placeholders the README's command table uses, and what the test types instead. The
# feed address is on loopback, which the guarded fetcher refuses, so nothing is fetched.
PLACEHOLDERS = {
    "URL": "http://127.0.0.1:9/feed.xml",
    "NAME": "Loopback",
    "MINUTES": "30",
    "N": "2",
}
# Commands the README shows that a test can't just run, and why; each is still checked
# to be one the README shows, so this list can't go stale.
NOT_RUN = {
    "clarion serve": "the production server: it runs until stopped",
    "clarion serve --no-collectstatic": "the production server: it runs until stopped",
    "clarion worker": "runs until stopped; `clarion worker --once` is run",
    "clarion shell": "interactive",
    "clarion makemessages": "rewrites the checkout's catalogues (`make messages` runs it)",
    "clarion compilemessages": "rewrites the checkout's catalogues (`make messages` runs it)",
    "clarion ingest": "the command's name; `clarion ingest --once` is how it is run",
}
# Interactive as written; the test answers its questions through the environment.
ANSWERS = {
    "clarion createsuperuser": (
        ["--noinput"],
        {
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_EMAIL": "admin@example.org",
            "DJANGO_SUPERUSER_PASSWORD": "a-long-enough-password-9",
        },
    ),
}


def readme_commands() -> list[str]:
    """Every `clarion ...` the README shows (code spans and shell blocks), in order, with
    optional parts ([--once]) written out and placeholders filled in."""
    found = re.findall(r"`((?:\.venv/bin/)?clarion [^`]+)`", README)
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        found += [line.split("#")[0].strip() for line in block.splitlines()]
    commands: list[str] = []
    for text in found:
        if not re.match(r"(\.venv/bin/)?clarion ", text):
            continue
        words = text.removeprefix(".venv/bin/").replace("[", "").replace("]", "").split()
        command = " ".join(PLACEHOLDERS.get(word, word) for word in words)
        if command not in commands:
            commands.append(command)
    return commands


def _clarion() -> list[str]:
    script = Path(sys.executable).with_name("clarion")
    return [str(script)] if script.exists() else [sys.executable, "-m", "clarion.manage"]


def test_every_readme_command_runs_as_written_after_make_run(tmp_path):
    # What `make run` does before serving: migrate and load the demo, with DEBUG=1.
    makefile = (ROOT / "Makefile").read_text()
    setup = [["migrate", "--noinput"], ["demo", "--if-empty"]]
    for args in setup:
        assert f"DEBUG=$${{DEBUG:-1}} $(BIN)/clarion {' '.join(args)}" in makefile
    # A fresh shell: nothing but the var directory a fresh checkout would get.
    shell = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "CLARION_VAR_DIR": str(tmp_path / "var"),
    }
    for args in setup:
        made = subprocess.run(
            [*_clarion(), *args],
            cwd=ROOT,
            env={**shell, "DEBUG": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert made.returncode == 0, made.stderr[-2000:]

    commands = readme_commands()
    assert set(NOT_RUN) <= set(commands), set(NOT_RUN) - set(commands)
    ran = []
    for command in commands:
        if command in NOT_RUN:
            continue
        extra, answers = ANSWERS.get(command, ([], {}))
        result = subprocess.run(
            [*_clarion(), *command.split()[1:], *extra],
            cwd=ROOT,
            env={**shell, **answers},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{command}:\n{result.stderr[-2000:]}"
        ran.append(command)
    # The ones a first visitor types first, which once stopped on a missing SECRET_KEY.
    assert {
        "clarion createsuperuser",
        "clarion feeds add http://127.0.0.1:9/feed.xml --name Loopback --interval 30",
        "clarion feeds list",
        "clarion ingest --once",
        "clarion worker --once",
    } <= set(ran), ran
