"""vdirsyncer, a real CalDAV/CardDAV client, driven from tests: one pair syncing every
collection the server lets the account discover into a local folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(
    folder: Path,
    *,
    pair: str,
    storage_type: str,
    url: str,
    username: str,
    password: str,
    local: Path,
    fileext: str,
) -> Path:
    """A configuration for ``pair``: server storage ``storage_type`` ("caldav" or "carddav")
    given only ``url``, discovery of every collection ("from a", "from b"), the server winning
    conflicts, files under ``local``."""
    config = folder / "config"
    config.write_text(
        f"""
[general]
status_path = {toml_string(str(folder / "status"))}

[pair {pair}]
a = "serveur"
b = "portable"
collections = ["from a", "from b"]
conflict_resolution = "a wins"

[storage serveur]
type = {toml_string(storage_type)}
url = {toml_string(url)}
username = {toml_string(username)}
password = {toml_string(password)}

[storage portable]
type = "filesystem"
path = {toml_string(str(local))}
fileext = {toml_string(fileext)}
""",
        encoding="utf-8",
    )
    return config


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run vdirsyncer with ``config``, answering yes to its questions; fail the test on error."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    }
    env["HOME"] = str(config.parent)  # no user config or cache from the machine
    result = subprocess.run(  # noqa: S603 - fixed executable, arguments from the test
        [str(VDIRSYNCER), "-c", str(config), *args],
        input="y\n" * 10,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"vdirsyncer {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result
