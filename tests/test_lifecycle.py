"""Corpus changes over time: interrupted builds, concurrent builds, answering during a rebuild,
and watch mode. Each test works on a copy of the corpus in a temporary folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import ROOT, copy_corpus, make_settings
from qa.engine import Engine
from qa.storage.versions import IndexStore

QUESTION = "青岛市给夷陵区援助了多少资金"


def qa_process(*args, env_extra=None, **kwargs):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "qa.cli.main", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def flags(settings) -> list[str]:
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def change_figure(settings, old: str, new: str) -> None:
    doc = settings.corpus_dir / "three-gorges-counterpart-support.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def built_engine(tmp_path, cache_dir, shared_engine) -> Engine:
    settings = make_settings(tmp_path, cache_dir, copy_corpus(tmp_path))
    engine = Engine(settings)
    engine.embedder = shared_engine.embedder
    engine.build()
    engine.load()
    return engine


def test_sigkill_while_writing_files_leaves_the_last_good_version(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    good = IndexStore(engine.settings.index_dir).current_name()
    change_figure(engine.settings, "9788.1万元", "1111.1万元")
    # A build that SIGKILLs itself in the middle of writing the new version's files.
    script = textwrap.dedent(f"""
        import os, signal, numpy as np
        import qa.storage.versions as store
        real_save = np.save
        def save_then_die(handle, array, **kwargs):
            real_save(handle, array, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        store.np.save = save_then_die
        from qa.cli.main import main
        main(["index", "--corpus", {str(engine.settings.corpus_dir)!r}, "--index", {str(engine.settings.index_dir)!r}])
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL
    store = IndexStore(engine.settings.index_dir)
    assert store.current_name() == good
    assert list((engine.settings.index_dir / "versions").glob(".tmp-*"))  # the half-written one
    fresh = Engine(engine.settings)
    fresh.embedder = shared_engine.embedder
    assert "9788.1" in fresh.ask(QUESTION).answer  # the last good version answers
    summary = fresh.build()  # and the next build succeeds, with no stale lock
    assert summary.embedded == 1 and store.current_name() != good
    assert not list((engine.settings.index_dir / "versions").glob(".tmp-*"))
    assert fresh.reload_if_changed() and "1111.1" in fresh.ask(QUESTION).answer


def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    for delay in (0.5, 2.0, 4.0):
        process = qa_process("index", "--rebuild", *flags(engine.settings))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        store = IndexStore(engine.settings.index_dir)
        version = store.load()  # verified against its checksums
        assert len(version.passages) == version.faiss_index.ntotal > 40
    finished = qa_process("index", "--json", *flags(engine.settings))
    out, err = finished.communicate(timeout=600)
    assert finished.returncode == 0, err
    assert json.loads(out)["passages"] > 40


def test_two_builds_at_once_one_waits(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    first = qa_process("index", "--rebuild", "--json", *flags(engine.settings))
    time.sleep(1.0)
    second = qa_process("index", "--rebuild", "--json", *flags(engine.settings))
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "another build" in err1 + err2
    version = IndexStore(engine.settings.index_dir).load()
    assert len(version.passages) == json.loads(out2)["passages"]


def test_questions_are_answered_from_the_old_index_during_a_rebuild(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    change_figure(engine.settings, "9788.1万元", "2222.2万元")
    rebuild = qa_process("index", "--rebuild", *flags(engine.settings))
    figures = []
    while rebuild.poll() is None:
        answer = engine.ask(QUESTION).answer
        figures.append("old" if "9788.1" in answer else "new" if "2222.2" in answer else answer)
        time.sleep(0.2)
    assert rebuild.returncode == 0, rebuild.stderr.read()
    # Every question got an answer: from the old index until the new one was switched in.
    assert figures and figures[0] == "old"
    assert set(figures) <= {"old", "new"} and figures == sorted(figures, key=["old", "new"].index)
    # The next question swaps the new version in, with no restart.
    assert "2222.2" in engine.ask(QUESTION).answer


def test_removed_document_stops_being_cited(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    extra = engine.settings.corpus_dir / "extra.txt"
    extra.write_text("测试报告\n\n甘肃省兰州市\n\n兰州市向测试县援助资金4321万元。\n", encoding="utf-8")
    engine.build()
    engine.reload_if_changed()
    assert "4321" in engine.ask("兰州市给测试县援助了多少资金").answer
    extra.unlink()
    summary = engine.build()
    assert summary.removed >= 1
    engine.reload_if_changed()
    answer = engine.ask("兰州市给测试县援助了多少资金")
    assert "4321" not in answer.answer and all(c.passage.doc != "extra.txt" for c in answer.citations)
    names = IndexStore(engine.settings.index_dir).load().derived["gazetteer"]["entities"]
    assert not any(e["name"] == "兰州" for e in names)


def test_info_reports_staleness(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    assert engine.info()["stale"] is False
    change_figure(engine.settings, "9788.1万元", "3333.3万元")
    info = engine.info()
    assert info["stale"] is True and info["changed"] == ["three-gorges-counterpart-support.txt"]


def test_watch_mode_rebuilds_after_a_change(tmp_path, cache_dir, shared_engine):
    engine = built_engine(tmp_path, cache_dir, shared_engine)
    watcher = qa_process("index", "--watch", "--json", *flags(engine.settings))
    try:
        first = json.loads(watcher.stdout.readline())
        assert first["unchanged"] is True
        time.sleep(1.0)
        change_figure(engine.settings, "9788.1万元", "4444.4万元")
        rebuilt = json.loads(watcher.stdout.readline())
        assert rebuilt["embedded"] == 1
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            _out, err = watcher.communicate(timeout=120)  # drains stderr: a full pipe would block the exit
        except subprocess.TimeoutExpired:
            watcher.kill()
            _out, err = watcher.communicate()
            pytest.fail(f"the watcher did not stop on SIGINT within 120 s; its stderr: {err[-3000:]}")
    assert watcher.returncode == 0, err[-2000:]
    assert engine.reload_if_changed() and "4444.4" in engine.ask(QUESTION).answer


def test_version_names_sort_in_build_order_within_one_clock_tick(tmp_path):
    """Clean-up keeps the previous version by name order, so a name may never sort first."""
    from qa.storage.versions import _next_version_name

    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "v29991231T235959-aaaaaa").mkdir()  # a build stamped by a clock since set back
    names = []
    for _ in range(5):
        names.append(_next_version_name(versions))
        (versions / names[-1]).mkdir()
    assert names == sorted(names)
    assert all(name > "v29991231T235959-aaaaaa" for name in names)
