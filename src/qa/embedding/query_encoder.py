"""Questions encoded with the bundled model in about 300 MB less than sentence-transformers.

A serving process embeds one short question at a time. Loading the model through
sentence-transformers costs two things it never needs for that: the package import (it pulls
in scikit-learn, SciPy and pandas, ~80 MB) and the ``tokenizers`` Unigram trie (~250 MB). This
encoder runs the same ``transformers.BertModel`` from the same prepared folder (its weights
memory-mapped from ``model.safetensors``) behind :class:`qa.embedding.unigram.UnigramTokenizer`, then
pools exactly as the folder's ``1_Pooling``/``2_Normalize`` modules say (mean over every token,
prompt included, then L2).

The word-embedding matrix (250,000 rows, 366 MB of the 450 MB of weights) is not touched
through the memory map: each page fault there maps a 64 KB neighbourhood, so a long-running
bot would slowly pull the whole matrix into its resident set. :class:`RowReader` reads the
few rows a question needs from the file instead (page cache, no mapping), which keeps the
process's memory flat however many questions it answers. Passages are still embedded by sentence-transformers when the index
is built; ``tests/test_query_encoder.py`` checks that both give the same vectors.

It applies only to the folder :mod:`qa.embedding.model_prep` writes (see :func:`supports`); any other
model goes through sentence-transformers.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import torch  # this module is imported only when the encoder is loaded

from qa.embedding import unigram


def supports(folder: Path) -> bool:
    """The folder has the tokenizer files and the one pipeline this encoder reproduces."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    mean_only = pooling.get("pooling_mode_mean_tokens") and pooling.get("include_prompt", True) and not any(
        value for key, value in pooling.items() if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens"
    )
    return (kinds == ["Transformer", "Pooling", "Normalize"] and bool(mean_only)
            and (folder / unigram.VOCAB_FILE).is_file() and (folder / unigram.PIPELINE_FILE).is_file())


class QueryEncoder:
    """Text -> normalised vector with the prepared model, no sentence-transformers import."""

    def __init__(self, folder: Path, prompt: str, max_length: int):
        from transformers import BertModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.prompt = prompt
        self.tokenizer = unigram.UnigramTokenizer.from_folder(folder, max_length=max_length)
        self.model = BertModel.from_pretrained(str(folder))  # the pooler is unused, but expected by the file
        self.model.eval()
        self.model.set_input_embeddings(RowReader.for_model(folder / "model.safetensors", self.model))
        self.dimension = int(self.model.config.hidden_size)

    @classmethod
    def from_folder(cls, folder: Path) -> "QueryEncoder":
        settings = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        bert = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return cls(folder, prompt=settings.get("prompts", {}).get("query", ""),
                   max_length=int(bert.get("max_seq_length", 512)))

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        parts = [self._encode_batch(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        input_ids, mask = self.tokenizer.batch([self.prompt + text for text in texts])
        ids, attention = torch.from_numpy(input_ids), torch.from_numpy(mask)
        with torch.inference_mode():
            hidden = self.model(input_ids=ids, attention_mask=attention).last_hidden_state
            weights = attention.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return np.ascontiguousarray(vectors.numpy(), dtype=np.float32)


WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


class RowReader(torch.nn.Module):
    """A stand-in for ``nn.Embedding`` that reads the rows it is asked for from the weights file.

    Called like the module it replaces (``ids`` -> ``ids.shape + (dimension,)`` float32); the
    values are the file's bytes, so the vectors are the same as with the full matrix loaded.
    """

    def __init__(self, path: Path, offset: int, rows: int, dimension: int):
        super().__init__()
        self._fd = os.open(path, os.O_RDONLY)
        self._offset, self.rows, self.dimension = offset, rows, dimension
        self._row_bytes = dimension * 4

    @classmethod
    def for_model(cls, path: Path, model) -> "RowReader":
        with open(path, "rb") as handle:
            (header_size,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(header_size))
        entry = header[WORD_EMBEDDINGS]
        rows, dimension = entry["shape"]
        if entry["dtype"] != "F32" or dimension != model.config.hidden_size:
            raise ValueError(f"{path}: unexpected {WORD_EMBEDDINGS} {entry['dtype']} {entry['shape']}")
        return cls(path, 8 + header_size + entry["data_offsets"][0], rows, dimension)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        unique, inverse = torch.unique(ids, return_inverse=True)
        table = np.empty((len(unique), self.dimension), dtype=np.float32)
        for row, token in enumerate(unique.tolist()):
            if not 0 <= token < self.rows:
                raise IndexError(f"token id {token} outside the vocabulary of {self.rows}")
            data = os.pread(self._fd, self._row_bytes, self._offset + token * self._row_bytes)
            table[row] = np.frombuffer(data, dtype="<f4")
        return torch.from_numpy(table)[inverse]

    def __del__(self):
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass
