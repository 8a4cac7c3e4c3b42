"""The real `qa bot` process against the fake Bot API server: it builds the missing index,
answers, never shows the token, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from botapi_server import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654321:AAH-secret_Token-value-never-shown"


def qa_command() -> list[str]:
    script = Path(sys.executable).parent / "qa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "qa.cli.main"]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QA_"))}
    paths = [str(ROOT / "src"), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(extra)
    return env


def test_registering_the_subcommand_does_not_import_telegram():
    code = "import sys; from qa.cli.main import build_parser; build_parser(); print('telegram' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_token_is_not_an_option(tmp_path):
    out = subprocess.run(
        [*qa_command(), "bot", "--token", TOKEN], env=child_env(), capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert out.returncode == 2 and "unrecognized arguments" in out.stderr
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--corpus", str(tmp_path)], env=child_env(), capture_output=True, text=True,
        timeout=60, cwd=tmp_path,
    )
    assert out.returncode == 2 and "TELEGRAM_BOT_TOKEN" in out.stderr


def test_a_refused_token_fails_fast_and_is_not_shown(tmp_path):
    wrong = TOKEN.replace("secret", "wrong0")
    with FakeBotAPI(token=TOKEN) as api:
        env = child_env(TELEGRAM_BOT_TOKEN=wrong, QA_CORPUS=str(tmp_path / "corpus"), QA_INDEX=str(tmp_path / "index"))
        started = time.monotonic()
        out = subprocess.run(
            [*qa_command(), "bot", "-v", "--api-url", api.base_url],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )
    assert out.returncode == 1
    assert time.monotonic() - started < 20  # before loading the model or building an index
    assert "refused the token" in out.stderr
    assert wrong not in out.stdout + out.stderr and wrong.split(":")[1] not in out.stdout + out.stderr
    assert not (tmp_path / "index").exists()


def test_qa_bot_process_answers_and_stops_on_sigterm_without_showing_the_token(tmp_path, shared_engine):
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_engine.settings.corpus_dir, corpus)
    index = tmp_path / "index"  # none yet: the bot builds it first
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with FakeBotAPI(token=TOKEN) as api:
        env = child_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            QA_CORPUS=str(corpus),
            QA_INDEX=str(index),
            QA_CACHE_DIR=str(shared_engine.settings.cache_dir),
            QA_BOT_ADMINS="4242",
            PYTHONUNBUFFERED="1",
        )
        with stdout.open("w") as out, stderr.open("w") as err:
            proc = subprocess.Popen(
                [*qa_command(), "bot", "-v", "--api-url", api.base_url],
                env=env, cwd=tmp_path, stdout=out, stderr=err,
            )
            try:
                api.wait_for(
                    lambda: api.calls_of("getUpdates") or proc.poll() is not None, timeout=240, what="the bot to poll"
                )
                assert proc.poll() is None, stderr.read_text()
                assert TOKEN not in " ".join(proc.args)
                assert (index / "CURRENT").exists(), "the index was not built first"
                question = api.user_says("how much did Qingdao give Yiling")
                [reply] = api.wait_replies(question, timeout=60)
                assert "9788.1" in reply["text"], f"engine answered: {reply['text']!r}"
                markup = reply.get("reply_markup", {}).get("inline_keyboard")
                assert markup, "no citation buttons"
                help_message = api.user_says("/help")
                api.wait_replies(help_message, timeout=30)
                started = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                code = proc.wait(timeout=30)
                assert code == 0, stderr.read_text()
                assert time.monotonic() - started < 15
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    output = stdout.read_text() + stderr.read_text()
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "is running" in output and "stopped" in output  # -v logs were on
    assert "how much did Qingdao" not in output  # questions are logged as counts only
