"""Shared fixtures: the bundled corpus, a prepared model and a built index, made once per run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SAMPLE = CORPUS / "three-gorges-counterpart-support.txt"


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    """The model cache shared by the test run (the prepared model is reused across runs)."""
    from qa.config import Settings

    return Settings.load(env=os.environ).cache_dir


@pytest.fixture(scope="session")
def shared_engine(tmp_path_factory, cache_dir):
    """An engine over a copy of the bundled corpus, index built once for the whole run."""
    from qa.config import Settings
    from qa.engine import Engine

    base = tmp_path_factory.mktemp("shared")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings.load(corpus=corpus, index=base / "index", cache_dir=cache_dir, env={})
    engine = Engine(settings)
    engine.build()
    engine.load()
    return engine


@pytest.fixture(scope="session")
def second_engine(tmp_path_factory, cache_dir):
    """An engine over the project's second corpus (examples/second-corpus), built once."""
    from qa.config import Settings
    from qa.engine import Engine

    base = tmp_path_factory.mktemp("second")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "examples" / "second-corpus", corpus)
    engine = Engine(Settings.load(corpus=corpus, index=base / "index", cache_dir=cache_dir, env={}))
    engine.build()
    engine.load()
    return engine


@pytest.fixture(scope="session")
def reports_engine(tmp_path_factory, cache_dir):
    """An engine over the 52 State Council work reports (examples/state-council-reports), a
    corpus of many documents alike in wording and differing in year; built once (minutes)."""
    from qa.config import Settings
    from qa.engine import Engine

    base = tmp_path_factory.mktemp("reports")
    engine = Engine(Settings.load(corpus=ROOT / "examples" / "state-council-reports", index=base / "index",
                                  cache_dir=cache_dir, env={}))
    engine.build()
    engine.load()
    return engine


def make_settings(tmp_path: Path, cache_dir: Path, corpus: Path | None = None):
    from qa.config import Settings

    corpus = corpus or tmp_path / "corpus"
    return Settings.load(corpus=corpus, index=tmp_path / "index", cache_dir=cache_dir, env={})


def copy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus
