"""A what-if encoder for the benchmarks: the same model without importing sentence-transformers.

``sentence_transformers`` pulls in scikit-learn, SciPy, pandas, SymPy and PIL when imported
(about 220 MB of resident memory and several seconds of start-up on the 2-core machine),
none of which the engine uses. This shim runs the prepared model folder with what
sentence-transformers itself runs for it -- the ``tokenizers`` tokenizer from
``tokenizer.json``, transformers' ``BertModel``, mean pooling over every token (prompt
included, as ``1_Pooling/config.json`` says) and L2 normalisation -- and exposes the part of
the ``SentenceTransformer`` interface that :class:`qa.embed.Embedder` calls, so the
benchmark can slot it into ``Embedder._model`` and measure the effect of the engine change
it stands for. It is not used by the engine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class LeanModel:
    def __init__(self, folder: str | Path, dtype: str = "float32", threads: int | None = None):
        import torch
        from tokenizers import Tokenizer
        from transformers import BertModel

        folder = Path(folder)
        self._torch = torch
        if threads:
            torch.set_num_threads(threads)
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_seq_length = int(config.get("max_seq_length", 512))
        st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts = dict(st_config.get("prompts", {}))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_seq_length)
        torch_dtype = getattr(torch, dtype)
        self.model = BertModel.from_pretrained(str(folder), dtype=torch_dtype).eval()
        self.pad_id = int(self.model.config.pad_token_id or 0)

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.model.config.hidden_size)

    get_embedding_dimension = get_sentence_embedding_dimension

    def encode(self, texts, prompt_name=None, batch_size=32, normalize_embeddings=True,
               convert_to_numpy=True, show_progress_bar=False, **_ignored):
        torch = self._torch
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        texts = [prefix + t for t in texts]
        # Longest first, as sentence-transformers does, so batches pad little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.get_sentence_embedding_dimension()), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            width = max(len(e.ids) for e in encodings)
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, encoding in enumerate(encodings):
                ids[j, :len(encoding.ids)] = encoding.ids
                mask[j, :len(encoding.ids)] = 1
            with torch.inference_mode():
                ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
                hidden = self.model(input_ids=ids_t, attention_mask=mask_t).last_hidden_state
                weights = mask_t.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                if normalize_embeddings:
                    pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=1)
            out[rows] = pooled.float().numpy()
        return out
