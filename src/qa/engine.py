"""The engine: the one public entry point for every front-end (CLI, bot, evaluation).

Usage::

    engine = Engine(Settings.load())
    answer = engine.ask("how much did Qingdao give Yiling")
    print(answer.answer, [c.passage.doc for c in answer.citations])

Loading is lazy: the index and the model are loaded on the first question. A new index
version built meanwhile (by ``qa index`` or :meth:`build`) is swapped in between questions
by :meth:`reload_if_changed`; a question in progress keeps the version it started with.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from qa.answering import AnswerBuilder
from qa.config import Settings
from qa.embedding.embedder import Embedder, ModelError, ModelSpec
from qa.indexing.build import BuildSummary, Indexer, corpus_state, stale_documents
from qa.indexing.ingest import CorpusError
from qa.retrieval.pipeline import Pipeline
from qa.storage.vectorstores import VectorStoreError
from qa.storage.versions import IndexCorruptError, IndexMissingError, IndexStore, IndexVersion
from qa.types import Answer, Passage, QuestionFrame

__all__ = ["Engine", "EngineError", "ModelError", "QuestionError"]

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # longer questions are refused: no user question needs more


class QuestionError(ValueError):
    """A question that cannot be asked at all (empty); the message is fit for users."""


class EngineError(Exception):
    """The engine cannot answer (no corpus, damaged index, wrong model); message says why."""


class Engine:
    def __init__(self, settings: Settings, log_fn: Callable[[str], None] | None = None,
                 build_in_child: bool = False):
        """``build_in_child``: builds run as a ``qa index`` child process (see
        :mod:`qa.indexing.child_build`), so this process never loads the passage encoder."""
        self.settings = settings
        self.build_in_child = build_in_child
        self.store = IndexStore(settings.index_dir)
        self.spec = ModelSpec.resolve(settings.model, settings.cache_dir)
        self._log = log_fn or (lambda message: log.warning(message))
        self.embedder = Embedder(self.spec, settings.cache_dir, self._log,
                                 compact_queries=settings.compact_query_encoder)
        self._version: IndexVersion | None = None
        self._rejected_version: str | None = None
        self._pipeline: Pipeline | None = None
        self._swap_lock = threading.Lock()
        self._ask_lock = threading.Lock()

    # -- index lifecycle ------------------------------------------------------------------

    def ensure_index(self, progress: bool = False) -> BuildSummary | None:
        """Build the index when there is none (or it is damaged); None when one is usable."""
        try:
            self.store.read_manifest()
            return None
        except (IndexMissingError, IndexCorruptError):
            return self.build(progress=progress)

    def build(self, progress: bool = False, rebuild: bool = False) -> BuildSummary:
        if self.build_in_child:
            from qa.indexing.child_build import ChildBuildError, build_in_child

            try:
                return build_in_child(self.settings, rebuild=rebuild, log_fn=self._log)
            except ChildBuildError as exc:
                raise EngineError(str(exc)) from None
        indexer = Indexer(self.settings, embedder=self.embedder, progress=progress, log_fn=self._log)
        try:
            return indexer.run(rebuild=rebuild)
        except (CorpusError, VectorStoreError) as exc:
            raise EngineError(str(exc)) from None

    def load(self) -> None:
        """Load the current index version and the model (once)."""
        with self._swap_lock:
            if self._version is None:
                self._install(self._load_version())
        self.embedder.load_for_queries()

    def _load_version(self) -> IndexVersion:
        try:
            version = self.store.load()
        except IndexMissingError:
            self.ensure_index()
            version = self.store.load()
        except (IndexCorruptError, VectorStoreError) as exc:
            raise EngineError(str(exc)) from None
        self._check_model(version.manifest)
        return version

    def _check_model(self, manifest: dict) -> None:
        if manifest.get("model") != self.spec.name:
            raise EngineError(
                f"the index in {self.settings.index_dir} was built with the model "
                f"{manifest.get('model')!r} ({manifest.get('dimension')} dimensions), but the "
                f"configured model is {self.spec.name!r}; rebuild it with `qa index --rebuild` "
                "or configure the model it was built with"
            )

    def _install(self, version: IndexVersion) -> None:
        self._pipeline = Pipeline(version, {"retrieval": self.settings.retrieval})
        self._answers = AnswerBuilder(self.settings.answer)
        self._version = version

    def reload_if_changed(self) -> bool:
        """Swap in a newer index version if one was built since loading; True if swapped."""
        try:
            current = self.store.current_name()
        except IndexCorruptError:
            return False
        if self._version is None or current is None or current == self._version.name:
            return False
        if current == self._rejected_version:
            return False
        try:
            version = self.store.load()
            self._check_model(version.manifest)
        except (IndexMissingError, IndexCorruptError, EngineError, VectorStoreError) as exc:
            self._log(f"keeping the loaded index: the new one cannot be used ({exc})")
            self._rejected_version = current  # do not retry (and warn) on every question
            return False
        with self._swap_lock:
            self._install(version)
        log.info("swapped in index version %s", version.name)
        return True

    # -- questions ------------------------------------------------------------------------

    def ask(self, question: str, k: int | None = None) -> Answer:
        if question is None or not question.strip():
            raise QuestionError("the question is empty: ask about the reports, e.g. how much a donor gave")
        k = max(1, int(k or self.settings.k))
        self.load()
        self.reload_if_changed()  # between questions: a rebuild elsewhere is picked up here
        started = time.perf_counter()
        question = question.strip()
        with self._ask_lock:
            pipeline, builder = self._pipeline, self._answers
            if len(question) > MAX_QUESTION_CHARS:
                answer = builder.refuse_too_long(question, MAX_QUESTION_CHARS)
            else:
                result = pipeline.run(question, self.embedder, k)
                answer = builder.run(question, result, k)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        return answer

    def frame(self, question: str) -> QuestionFrame:
        """How the engine reads a question (kind, places, years, subject) without answering
        it: what a conversation needs to tell a follow-up from a new question."""
        if question is None or not question.strip():
            raise QuestionError("the question is empty: ask about the reports, e.g. how much a donor gave")
        self.load()
        with self._ask_lock:  # the analysis keeps caches that one question at a time may fill
            return self._pipeline.frame(question.strip()[:MAX_QUESTION_CHARS])

    # -- information ----------------------------------------------------------------------

    def passage(self, passage_id: str) -> Passage | None:
        self.load()
        return self._pipeline.passage_by_id(passage_id)

    @property
    def version_name(self) -> str | None:
        return self._version.name if self._version else None

    def info(self) -> dict:
        """Index facts for `qa info` and the bot's /help (cheap: reads the manifest only)."""
        try:
            manifest = self.store.read_manifest()
        except IndexMissingError:
            manifest = None
        except IndexCorruptError as exc:
            raise EngineError(str(exc)) from None
        try:
            state = corpus_state(self.settings.corpus_dir)
        except CorpusError:
            state = {}
        changed = stale_documents(manifest, state) if manifest else sorted(state)
        return {
            "model": self.spec.name,
            "model_path": str(self.spec.path) if self.spec.path else None,
            "dimension": manifest.get("dimension") if manifest else None,
            "documents": len(manifest.get("documents", {})) if manifest else 0,
            "passages": manifest.get("passages", 0) if manifest else 0,
            "index_built": manifest.get("built") if manifest else None,
            "index_version": self.store.current_name(),
            "stale": bool(changed) or manifest is None,
            "changed": changed,
            "skipped": manifest.get("skipped", {}) if manifest else {},
            "corpus": str(self.settings.corpus_dir),
            "index": str(Path(self.settings.index_dir)),
            "abstain_threshold": AnswerBuilder(self.settings.answer).threshold,
        }
