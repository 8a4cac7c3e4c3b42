"""The two vector stores, FAISS (default) and Milvus (Milvus Lite here, real, no mock): the same
retrieval, the document filter inside the store, deletion of removed documents, the atomic
switch to a new version and a build killed half way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT, copy_corpus
from qa.config import Settings
from qa.engine import Engine
from qa.storage.versions import IndexStore

milvus_installed = pytest.mark.skipif(
    any(__import__("importlib").util.find_spec(m) is None for m in ("pymilvus", "milvus_lite")),
    reason="the Milvus store needs pymilvus and milvus-lite: pip install -e '.[milvus]'")
STORES = ["faiss", pytest.param("milvus", marks=milvus_installed)]
QUESTIONS = ["青岛市给夷陵区援助了多少资金", "how much did Qingdao give Yiling", "2019年夷陵区的地区生产总值是多少",
             "What did Shanghai give Wanzhou?", "How much did Guangxi give Fuling?"]
EXTRA = "测试报告\n\n甘肃省兰州市\n\n兰州市向测试县援助资金4321万元。\n\n兰州市还为测试县培训干部120人次。\n"


def store_engine(tmp_path, cache_dir, shared_engine, store: str, corpus=None) -> Engine:
    settings = Settings.load(corpus=corpus or copy_corpus(tmp_path), index=tmp_path / "index",
                             cache_dir=cache_dir, env={"QA_STORE": store})
    engine = Engine(settings)
    engine.embedder = shared_engine.embedder
    engine.build()
    engine.load()
    return engine


@pytest.fixture(scope="module")
def milvus_engine(tmp_path_factory, cache_dir, shared_engine):
    pytest.importorskip("pymilvus", reason="the Milvus store needs pymilvus: pip install -e '.[milvus]'")
    return store_engine(tmp_path_factory.mktemp("milvus"), cache_dir, shared_engine, "milvus")


@milvus_installed
def test_milvus_finds_the_same_rows_as_faiss_exact_search(shared_engine, milvus_engine):
    faiss_version, milvus_version = shared_engine._version, milvus_engine._version
    assert milvus_version.manifest["vector_store"]["kind"] == "milvus"
    assert milvus_version.vector_store.count() == len(milvus_version.passages) == len(faiss_version.passages)
    queries = shared_engine.embedder.encode_queries(QUESTIONS)
    for query in queries:
        exact = faiss_version.vector_store.search(query, 20)
        found = milvus_version.vector_store.search(query, 20)
        assert [r for r, _ in found] == [r for r, _ in exact]
        assert np.allclose([s for _, s in found], [s for _, s in exact], atol=1e-5)


@milvus_installed
def test_milvus_answers_like_faiss(shared_engine, milvus_engine):
    for question in QUESTIONS:
        a, b = shared_engine.ask(question), milvus_engine.ask(question)
        assert (b.answered, b.answer, b.reason) == (a.answered, a.answer, a.reason), question
        assert [c.passage.id for c in b.citations] == [c.passage.id for c in a.citations]


@pytest.mark.parametrize("store", STORES)
def test_edit_and_removal_leave_no_old_passages(tmp_path, cache_dir, shared_engine, store):
    corpus = copy_corpus(tmp_path)
    (corpus / "extra.txt").write_text(EXTRA, encoding="utf-8")
    engine = store_engine(tmp_path, cache_dir, shared_engine, store, corpus)
    vectors = engine._version.vector_store
    extra_rows = [i for i, p in enumerate(engine._version.passages) if p.doc == "extra.txt"]
    assert vectors.count("extra.txt") == len(extra_rows) >= 2
    # The document filter works inside the store: only the filtered document's rows come back.
    query = engine.embedder.encode_queries(["兰州市援助资金"])[0]
    hits = vectors.search(query, 50, docs=["extra.txt"])
    assert sorted(r for r, _ in hits) == extra_rows
    last = len(engine._version.passages) - 1
    hits = vectors.search(query, 50, docs=["extra.txt"], rows=[last])
    assert sorted(r for r, _ in hits) == sorted(extra_rows + [last])
    assert "4321" in engine.ask("兰州市给测试县援助了多少资金").answer

    (corpus / "extra.txt").unlink()
    doc = corpus / "three-gorges-counterpart-support.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("9788.1万元", "1111.1万元"), encoding="utf-8")
    summary = engine.build()
    assert summary.embedded == 1 and summary.removed >= 3
    assert engine.reload_if_changed()
    version = engine._version
    assert version.vector_store.count("extra.txt") == 0
    assert version.vector_store.count() == len(version.passages)
    assert "1111.1" in engine.ask("青岛市给夷陵区援助了多少资金").answer
    if store == "milvus":
        from qa.storage.vectorstores.milvus_store import MilvusStore

        record = version.manifest["vector_store"]
        root = engine.settings.index_dir
        assert MilvusStore.serving(record, root) == record["collection"]  # the alias moved
        serving = MilvusStore.open(record, version.path)
        held = serving.passage_ids()
        assert sorted(held) == sorted(p.id for p in version.passages)  # nothing stale
        collections = [c for c in serving.client.list_collections() if c.startswith("report_qa_v")]
        assert len(collections) == 2  # the current one and one previous (KEEP_PREVIOUS)
    # Deleting by passage id (the interface's delete; builds write whole new versions instead).
    vectors = version.vector_store
    first = version.passages[0]
    assert vectors.delete([first.id]) == 1
    assert vectors.count(first.doc) == len(version.passages) - 1
    assert 0 not in [r for r, _ in vectors.search(query, 50)]


@milvus_installed
def test_milvus_build_killed_half_way_leaves_the_previous_version(tmp_path, cache_dir, shared_engine):
    from qa.storage.vectorstores.milvus_store import MilvusStore, release

    engine = store_engine(tmp_path, cache_dir, shared_engine, "milvus")
    root = engine.settings.index_dir
    good = IndexStore(root).current_name()
    record = engine._version.manifest["vector_store"]
    uri = str(root / record["uri"])
    release(uri)  # Milvus Lite: one process at a time; let the child build open it
    doc = engine.settings.corpus_dir / "three-gorges-counterpart-support.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("9788.1万元", "2222.2万元"), encoding="utf-8")
    # A build that SIGKILLs itself once every row is in the new collection, before the switch.
    script = textwrap.dedent(f"""
        import os, signal
        from qa.storage.vectorstores.milvus_store import MilvusStore
        real_finish = MilvusStore.finish
        def finish_then_die(self):
            real_finish(self)
            os.kill(os.getpid(), signal.SIGKILL)
        MilvusStore.finish = finish_then_die
        from qa.cli.main import main
        main(["index", "--corpus", {str(engine.settings.corpus_dir)!r}, "--index", {str(root)!r}])
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, QA_STORE="milvus"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    half = [p for p in (root / "versions").glob(".tmp-*")]
    assert half and (half[0] / "vector_store.json").is_file()
    assert IndexStore(root).current_name() == good
    assert MilvusStore.serving(record, root) == record["collection"]  # the alias did not move
    fresh = Engine(engine.settings)
    fresh.embedder = shared_engine.embedder
    assert "9788.1" in fresh.ask("青岛市给夷陵区援助了多少资金").answer  # the previous version answers
    summary = fresh.build()
    assert summary.embedded == 1 and IndexStore(root).current_name() != good
    names = MilvusStore.open(record, engine._version.path).client.list_collections()
    leftover = MilvusStore.collection_of(half[0])
    assert leftover not in names  # the killed build's collection was dropped
    assert fresh.reload_if_changed() and "2222.2" in fresh.ask("青岛市给夷陵区援助了多少资金").answer


def test_store_settings(tmp_path):
    (tmp_path / "qa.toml").write_text('store = "milvus"\nmilvus_uri = "data/m.db"\n', encoding="utf-8")
    settings = Settings.load(config=tmp_path / "qa.toml", env={})
    assert settings.store == "milvus" and settings.milvus_uri == str(tmp_path / "data" / "m.db")
    remote = Settings.load(config=tmp_path / "qa.toml", env={"QA_MILVUS_URI": "http://milvus:19530"})
    assert remote.milvus_uri == "http://milvus:19530"
    assert Settings.load(env={}).store == "faiss"


@milvus_installed
def test_moving_an_index_from_faiss_to_milvus_embeds_nothing(tmp_path, cache_dir, shared_engine):
    engine = store_engine(tmp_path, cache_dir, shared_engine, "faiss")
    before = engine.ask("青岛市给夷陵区援助了多少资金")
    moved = Engine(Settings.load(corpus=engine.settings.corpus_dir, index=engine.settings.index_dir,
                                 cache_dir=cache_dir, env={"QA_STORE": "milvus"}))
    moved.embedder = shared_engine.embedder
    summary = moved.build()
    assert summary.embedded == 0 and not summary.unchanged
    assert IndexStore(engine.settings.index_dir).read_manifest()["vector_store"]["kind"] == "milvus"
    after = moved.ask("青岛市给夷陵区援助了多少资金")
    assert after.answer == before.answer and [c.passage.id for c in after.citations] == [
        c.passage.id for c in before.citations]
