"""The engine end to end on real parts: the prepared model, a real FAISS index on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, copy_corpus, make_settings
from qa.engine import Engine, EngineError, QuestionError
from qa.storage.versions import IndexStore

QINGDAO_ZH = "青岛市给夷陵区援助了多少资金"


class CountingModel:
    """Wraps the loaded SentenceTransformer to count the texts that reach encode()."""

    def __init__(self, model):
        self.model = model
        self.texts: list[str] = []

    def __getattr__(self, name):
        return getattr(self.model, name)

    def encode(self, texts, **kwargs):
        self.texts.extend(texts)
        return self.model.encode(texts, **kwargs)


def counting_engine(settings, shared_engine) -> tuple[Engine, CountingModel]:
    engine = Engine(settings)
    counter = CountingModel(shared_engine.embedder.load())
    engine.embedder._model = counter
    return engine, counter


def test_chinese_question_cites_the_qingdao_paragraph(shared_engine):
    answer = shared_engine.ask(QINGDAO_ZH)
    assert answer.answered
    assert "9788.1" in answer.answer
    first = answer.citations[0].passage
    assert "青岛" in (first.section or "") and "9788.1" in first.text


def test_english_question_cites_qingdao_not_shanghai(shared_engine):
    answer = shared_engine.ask("how much did Qingdao give Yiling")
    assert answer.answered and "9788.1万元" in answer.answer
    assert "青岛" in answer.citations[0].passage.section
    assert "million yuan" in answer.answer


def test_unmentioned_place_is_declined_with_possibly_related_passages(shared_engine):
    answer = shared_engine.ask("How much did Guangxi give Fuling?")
    assert not answer.answered and answer.reason
    assert answer.citations  # the closest passages, offered as possibly related


def test_json_contract(shared_engine):
    record = json.loads(json.dumps(shared_engine.ask(QINGDAO_ZH, k=3).to_dict(), ensure_ascii=False))
    assert set(record) >= {"question", "answered", "answer", "citations", "latency_ms"}
    assert isinstance(record["answered"], bool) and len(record["answer"]) <= 400
    assert [c["rank"] for c in record["citations"]] == [1, 2, 3]
    for citation in record["citations"]:
        assert set(citation) >= {"rank", "id", "doc", "section", "paragraph", "text", "score"}
        assert citation["doc"] == "three-gorges-counterpart-support.txt"
        assert isinstance(citation["paragraph"], int) and citation["paragraph"] >= 1
    assert record["latency_ms"] > 0


def test_bad_questions(shared_engine):
    with pytest.raises(QuestionError):
        shared_engine.ask("   ")
    long = shared_engine.ask("青岛" * 5000)
    assert not long.answered and "long" in long.reason
    emoji = shared_engine.ask("😀🎉🔥")
    assert isinstance(emoji.answered, bool) and emoji.answer


def test_index_round_trip_and_incremental_update(tmp_path, cache_dir, shared_engine):
    corpus = copy_corpus(tmp_path)
    settings = make_settings(tmp_path, cache_dir, corpus)
    engine, counter = counting_engine(settings, shared_engine)
    first = engine.build()
    assert first.embedded == first.passages == len(counter.texts) > 40
    store = IndexStore(settings.index_dir)
    version = store.load()
    assert version.manifest["model"] == "multilingual-e5-small" and version.manifest["dimension"] == 384
    assert np.allclose(np.linalg.norm(version.vectors, axis=1), 1.0, atol=1e-4)
    assert version.faiss_index.ntotal == len(version.passages)

    counter.texts.clear()
    again = engine.build()
    assert again.embedded == 0 and again.unchanged and counter.texts == []

    doc = corpus / "three-gorges-counterpart-support.txt"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("9788.1万元", "9999.9万元"), encoding="utf-8")
    changed = engine.build()
    assert changed.embedded == 1 and changed.removed == 1 and len(counter.texts) == 1
    assert "9999.9万元" in counter.texts[0]
    engine.load()
    assert engine.reload_if_changed() is False  # loaded the newest already
    assert "9999.9" in engine.ask(QINGDAO_ZH).answer

    (corpus / "extra.md").write_text("# 附录\n\n## 测试市\n\n测试市援助资金123万元。\n", encoding="utf-8")
    counter.texts.clear()
    added = engine.build()
    assert added.embedded == 1 and added.removed == 0
    (corpus / "extra.md").unlink()
    removed = engine.build()
    assert removed.removed == 1 and removed.embedded == 0
    assert engine.reload_if_changed()


def test_unchanged_touch_and_rename_reembed_nothing(tmp_path, cache_dir, shared_engine):
    corpus = copy_corpus(tmp_path)
    engine, counter = counting_engine(make_settings(tmp_path, cache_dir, corpus), shared_engine)
    engine.build()
    counter.texts.clear()
    doc = corpus / "three-gorges-counterpart-support.txt"
    os.utime(doc)
    assert engine.build().embedded == 0
    doc.rename(corpus / "renamed.txt")
    summary = engine.build()
    assert summary.embedded == 0 and counter.texts == []
    engine.load()
    assert engine.ask(QINGDAO_ZH).citations[0].passage.doc == "renamed.txt"


def test_corrupt_index_gives_a_clear_message_and_rebuild_fixes_it(tmp_path, cache_dir, shared_engine):
    corpus = copy_corpus(tmp_path)
    settings = make_settings(tmp_path, cache_dir, corpus)
    engine, _ = counting_engine(settings, shared_engine)
    engine.build()
    vectors = IndexStore(settings.index_dir).current_path() / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    fresh, _ = counting_engine(settings, shared_engine)
    with pytest.raises(EngineError, match="damaged.*qa index --rebuild"):
        fresh.load()
    fresh.build()
    fresh.load()
    assert "9788.1" in fresh.ask(QINGDAO_ZH).answer


def test_index_built_with_another_model_is_refused(tmp_path, cache_dir, shared_engine):
    corpus = copy_corpus(tmp_path)
    settings = make_settings(tmp_path, cache_dir, corpus)
    counting_engine(settings, shared_engine)[0].build()
    settings.model = str(tmp_path)  # some other model folder
    with pytest.raises(EngineError, match="built with the model"):
        Engine(settings).load()


def test_empty_corpus_folder_is_a_clear_error(tmp_path, cache_dir):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(EngineError, match="holds no documents"):
        Engine(make_settings(tmp_path, cache_dir)).build()


def run_qa(*args, stdin=None, cwd=None, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "qa.cli.main", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=600)


def test_cli_ask_json_batch_and_errors(tmp_path, shared_engine):
    flags = ["--corpus", str(shared_engine.settings.corpus_dir), "--index", str(shared_engine.settings.index_dir)]
    result = run_qa("ask", "--json", *flags, "-", stdin=f"{QINGDAO_ZH}\n\n   \nwho won the 2018 World Cup\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2 and "9788.1" in lines[0]["answer"]
    assert lines[1]["answered"] is False
    empty = run_qa("ask", *flags, " ")
    assert empty.returncode == 2 and "empty" in empty.stderr
    info = run_qa("info", "--json", *flags)
    record = json.loads(info.stdout)
    assert record["passages"] > 40 and record["stale"] is False and record["dimension"] == 384
    missing = run_qa("index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_cli_chat_answers_and_shows_a_cited_passage(shared_engine):
    flags = ["--corpus", str(shared_engine.settings.corpus_dir), "--index", str(shared_engine.settings.index_dir)]
    result = run_qa("chat", *flags, stdin=f"{QINGDAO_ZH}\n/show 1\n/show 99\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "9788.1" in result.stdout and "paragraph" in result.stdout
    assert "no citation [99]" in result.stdout


def test_build_in_a_child_process_updates_the_index_and_reports_its_errors(tmp_path, cache_dir, shared_engine):
    """How the bot builds: `qa index` in a child; the parent swaps the version in."""
    corpus = copy_corpus(tmp_path)
    settings = make_settings(tmp_path, cache_dir, corpus)
    shutil.copytree(shared_engine.settings.index_dir, settings.index_dir)  # start from a built index
    engine = Engine(settings, build_in_child=True)
    engine.load()
    doc = corpus / "three-gorges-counterpart-support.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("9788.1万元", "9999.9万元"), encoding="utf-8")
    summary = engine.build()
    assert summary.embedded == 1 and summary.removed == 1 and summary.version
    assert engine.reload_if_changed()
    assert "9999.9" in engine.ask(QINGDAO_ZH).answer

    shutil.rmtree(corpus)
    with pytest.raises(EngineError, match="corpus"):
        engine.build()
    assert "9999.9" in engine.ask(QINGDAO_ZH).answer  # the last good version keeps answering


def test_child_build_gets_the_resolved_settings_and_no_bot_token(tmp_path, cache_dir, monkeypatch):
    from qa.indexing.child_build import child_environment

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setenv("QA_INDEX", "/somewhere/else")
    settings = make_settings(tmp_path, cache_dir)
    env = child_environment(settings)
    assert "TELEGRAM_BOT_TOKEN" not in env
    assert env["QA_INDEX"] == str(settings.index_dir) and env["QA_CACHE_DIR"] == str(cache_dir)
