"""Building the index: corpus -> passages -> vectors (reused where the text is unchanged).

Only passages whose embedded text changed reach the encoder; vectors are looked up by a
hash of the model name and the exact text embedded, so touching, renaming or re-ordering
documents re-embeds nothing. With nothing changed at all, the build stops after hashing
the documents, before torch is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from filelock import FileLock, Timeout

from qa import language
from qa.config import Settings
from qa.embedding.embedder import Embedder, ModelSpec
from qa.indexing.ingest import CorpusError, find_documents, load_corpus
from qa.storage.versions import IndexCorruptError, IndexMissingError, IndexStore, file_sha256
from qa.text import content_hash
from qa.types import Passage

log = logging.getLogger(__name__)

# Bump when what is derived from passages at build time changes shape, so that old
# indexes are rebuilt (re-using their vectors) instead of being misread.
DERIVED_VERSION = 24


def derived_version() -> str:
    """DERIVED_VERSION with a digest of the vocabulary files (glossary, units) the derived
    data is built from: an edited glossary re-derives on the next build, vectors re-used."""
    digest = hashlib.sha256()
    for path in sorted(language.DATA.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{DERIVED_VERSION}-{digest.hexdigest()[:12]}"
BUILD_LOCK_WAIT_S = 1800


@dataclass
class BuildSummary:
    passages: int
    embedded: int
    reused: int
    removed: int
    seconds: float
    documents: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    unchanged: bool = False

    def to_dict(self) -> dict:
        record = asdict(self)
        record["seconds"] = round(self.seconds, 3)
        return record


def corpus_state(corpus_dir: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every document the corpus holds (cheap: no parsing)."""
    return {doc.rel: file_sha256(doc.path) for doc in find_documents(corpus_dir)}


def embedding_text(passage: Passage) -> str:
    """What is embedded: the passage under its section heading, which names who it is about."""
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text


def stale_documents(manifest: dict, state: dict[str, str]) -> list[str]:
    """Documents added, changed or removed since the manifest's build, sorted."""
    built = {rel: info["sha256"] for rel, info in manifest.get("documents", {}).items()}
    return sorted(rel for rel in set(built) | set(state) if built.get(rel) != state.get(rel))


def _derived_data(passages: list[Passage], cache_dir: Path) -> dict[str, object]:
    from qa.retrieval.derive import derive_all

    return derive_all(passages, cache_dir)


class Indexer:
    """Builds or updates the index for one corpus folder and one model."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        progress: bool = False,
        log_fn: Callable[[str], None] | None = None,
    ):
        self.settings = settings
        self.store = IndexStore(settings.index_dir)
        self.spec = ModelSpec.resolve(settings.model, settings.cache_dir)
        self._embedder = embedder
        self.progress = progress
        self._log = log_fn or (lambda message: print(message, file=sys.stderr))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.spec, self.settings.cache_dir, self._log)
        return self._embedder

    def run(self, rebuild: bool = False) -> BuildSummary:
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.store.lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self._log("another build of this index is running; waiting for it to finish")
            lock.acquire(timeout=BUILD_LOCK_WAIT_S)
        try:
            summary = self._build_locked(rebuild)
            self.store.clean_up()
            return summary
        finally:
            lock.release()

    def _previous(self, rebuild: bool):
        """The current version, or None when there is none or it cannot be trusted."""
        if rebuild:
            return None
        try:
            return self.store.load()
        except IndexMissingError:
            return None
        except IndexCorruptError as exc:
            self._log(f"warning: {exc}; building a fresh one")
            return None

    def _unchanged(self, state: dict[str, str]) -> BuildSummary | None:
        try:
            manifest = self.store.read_manifest()
        except (IndexMissingError, IndexCorruptError):
            return None
        same = (
            manifest.get("model") == self.spec.name
            and manifest.get("derived_version") == derived_version()
            and manifest.get("vector_store", {}).get("kind", "faiss") == self.settings.store
            and not stale_documents(manifest, state)
        )
        if not same:
            return None
        try:
            self.store._verify_checksums(self.store.current_path(), manifest)
        except IndexCorruptError:
            return None
        count = int(manifest.get("passages", 0))
        return BuildSummary(count, 0, count, 0, 0.0, len(state), manifest.get("skipped", {}),
                            self.store.current_name(), unchanged=True)

    def _build_locked(self, rebuild: bool) -> BuildSummary:
        started = time.perf_counter()
        state = corpus_state(self.settings.corpus_dir)
        if not state:
            from qa.indexing.readers.registry import supported_extensions

            kinds = ", ".join(sorted(supported_extensions()))
            raise CorpusError(f"the corpus folder {self.settings.corpus_dir} holds no documents ({kinds})")
        if not rebuild and (unchanged := self._unchanged(state)):
            unchanged.seconds = time.perf_counter() - started
            return unchanged

        documents, passages, skipped = load_corpus(self.settings.corpus_dir)
        if not passages:
            raise CorpusError(f"no readable text in the corpus folder {self.settings.corpus_dir}")
        previous = self._previous(rebuild)
        hashes = [content_hash(self.spec.name, embedding_text(p), length=32) for p in passages]
        vectors, embedded, reused = self._vectors_for(passages, hashes, previous)
        old_hashes = set(previous.text_hashes) if previous else set()
        removed = len(old_hashes - set(hashes))
        counts: dict[str, int] = {}
        for passage in passages:
            counts[passage.doc] = counts.get(passage.doc, 0) + 1
        manifest = {
            "model": self.spec.name,
            "model_path": str(self.spec.path) if self.spec.path else None,
            "dimension": int(vectors.shape[1]),
            "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "derived_version": derived_version(),
            "passages": len(passages),
            "documents": {
                rel: {"sha256": sha, "passages": counts.get(rel, 0)} for rel, sha in state.items()
            },
            "skipped": {s.rel: s.reason for s in skipped},
        }
        version = self.store.write_version(manifest, passages, hashes, vectors, _derived_data(passages, self.settings.cache_dir),
                                           self.settings.store_spec())
        return BuildSummary(len(passages), embedded, reused, removed, time.perf_counter() - started,
                            len(documents), manifest["skipped"], version.name)

    def _vectors_for(self, passages, hashes, previous) -> tuple[np.ndarray, int, int]:
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.manifest.get("model") == self.spec.name:
            known = {h: previous.vectors[i] for i, h in enumerate(previous.text_hashes)}
        missing = sorted({h for h in hashes if h not in known})
        if missing:
            text_of = {h: embedding_text(p) for p, h in zip(passages, hashes)}
            show = self.progress and len(missing) > 32
            fresh = self.embedder.encode_passages([text_of[h] for h in missing], progress=show)
            known.update(zip(missing, fresh))
        dimension = len(next(iter(known.values())))
        vectors = np.zeros((len(passages), dimension), dtype=np.float32)
        for row, h in enumerate(hashes):
            vectors[row] = known[h]
        reused = sum(1 for h in set(hashes) if h not in missing)
        return vectors, len(missing), reused
