"""Build the index in a child process (``python -m qa.cli.main index --json``).

A long-running front-end (the bot) answers questions with the compact question encoder and
never needs sentence-transformers, which only the build uses for passages. Building in the
same process would load it (about 550 MB more) and keep it for the life of the process; a
child returns that memory when it exits, and a crash in the build cannot take the bot down.
The child builds under the same file lock as any ``qa index``, and the parent swaps the new
version in with :meth:`qa.engine.Engine.reload_if_changed` as usual.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Callable

from qa.config import Settings
from qa.indexing.build import BuildSummary

# Never handed to the child: it builds an index and needs no credentials.
SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN",)


class ChildBuildError(Exception):
    """The child process failed; the message is its last error line."""


def build_in_child(settings: Settings, rebuild: bool = False,
                   log_fn: Callable[[str], None] | None = None) -> BuildSummary:
    command = [sys.executable, "-m", "qa.cli.main", "index", "--json",
               # Settings already resolved here; a config file must not override them in the child.
               "--config", str(settings.config_path or os.devnull)]
    if rebuild:
        command.append("--rebuild")
    result = subprocess.run(command, env=child_environment(settings), capture_output=True, text=True)
    messages = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode != 0:
        last = messages[-1] if messages else f"exit status {result.returncode}"
        raise ChildBuildError(last.removeprefix("qa: "))
    for line in messages if log_fn else ():
        log_fn(line)
    return summary_from_output(result.stdout)


def child_environment(settings: Settings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SECRET_VARIABLES}
    env.update({
        "QA_CORPUS": str(settings.corpus_dir), "QA_INDEX": str(settings.index_dir),
        "QA_CACHE_DIR": str(settings.cache_dir), "QA_MODEL": settings.model,
    })
    return env


def summary_from_output(stdout: str) -> BuildSummary:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise ChildBuildError("the build printed no summary")
    return BuildSummary(**json.loads(lines[-1]))
