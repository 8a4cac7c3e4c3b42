"""The bundled model's Unigram tokenizer, token for token as ``tokenizers`` runs it, in a
fraction of the memory.

The ``tokenizers`` library keeps a 250,000-piece Unigram vocabulary in a character trie of
hash maps: about 250 MB resident, a quarter of a serving process. Questions are short, so a
plain dictionary lookup of every substring up to the longest piece (16 characters) is just as
fast per question and needs about 35 MB. Normalisation and pre-tokenisation are still done by
``tokenizers`` itself (its ``normalizer`` and ``pre_tokenizer`` objects, which are small), so
only the Viterbi search below is reimplemented; it follows ``Unigram::encode_optimized``
of tokenizers 0.2x, ties included, and ``tests/test_query_encoder.py`` checks it against the
library on the corpus, the question sets and random text.

The files it reads are written by :mod:`qa.embedding.model_prep` next to ``tokenizer.json``:
``unigram-vocab.npz`` (pieces as one UTF-8 blob with offsets, scores as float64; no pickle)
and ``tokenizer-pipeline.json`` (the tokenizer with its vocabulary cut to the special pieces).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

VOCAB_FILE = "unigram-vocab.npz"
PIPELINE_FILE = "tokenizer-pipeline.json"
# tokenizers' penalty below the lowest piece score for a character no piece covers.
UNK_PENALTY = 10.0


class UnigramTokenizer:
    """Text -> token ids for one Unigram vocabulary, with the model's special tokens around them."""

    def __init__(self, pieces: list[str], scores: np.ndarray, pipeline, unk_id: int, bos_id: int,
                 eos_id: int, pad_id: int, max_length: int):
        # A later duplicate of a piece wins, as in tokenizers' token_to_ids map.
        self.ids = {piece: i for i, piece in enumerate(pieces)}
        self.scores = scores.astype(np.float64).tolist()
        self.longest = max(len(piece) for piece in pieces)
        self.unk_id, self.bos_id, self.eos_id, self.pad_id = unk_id, bos_id, eos_id, pad_id
        self.unk_score = min(self.scores) - UNK_PENALTY
        self.max_length = max_length
        self._normalizer = pipeline.normalizer
        self._pre_tokenizer = pipeline.pre_tokenizer

    @classmethod
    def from_folder(cls, folder: Path, max_length: int) -> "UnigramTokenizer":
        from tokenizers import Tokenizer

        with np.load(Path(folder) / VOCAB_FILE, allow_pickle=False) as data:
            blob = data["pieces"].tobytes().decode("utf-8")
            offsets = data["offsets"]
            scores = data["scores"]
            special = {str(k): int(v) for k, v in zip(data["special_names"], data["special_ids"])}
        bounds = offsets.tolist()
        pieces = [blob[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
        pipeline = Tokenizer.from_file(str(Path(folder) / PIPELINE_FILE))
        return cls(pieces, scores, pipeline, unk_id=special["unk"], bos_id=special["bos"],
                   eos_id=special["eos"], pad_id=special["pad"], max_length=max_length)

    def encode(self, text: str) -> list[int]:
        """Token ids of one text: <s> pieces </s>, cut to ``max_length`` as transformers does."""
        normalized = self._normalizer.normalize_str(text) if self._normalizer else text
        splits = self._pre_tokenizer.pre_tokenize_str(normalized) if self._pre_tokenizer else [(normalized, None)]
        ids: list[int] = []
        for piece, _offsets in splits:
            ids.extend(self._viterbi(piece))
        return [self.bos_id] + ids[: self.max_length - 2] + [self.eos_id]

    def batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(input_ids, attention_mask) padded to the longest text of the batch."""
        encoded = [self.encode(text) for text in texts]
        width = max(len(ids) for ids in encoded)
        input_ids = np.full((len(encoded), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, ids in enumerate(encoded):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        return input_ids, mask

    def _viterbi(self, text: str) -> list[int]:
        """The best segmentation: best[end] = (score, start, id) of the best path ending at end."""
        size = len(text)
        best: list[tuple[float, int, int] | None] = [None] * (size + 1)
        best[0] = (0.0, 0, -1)
        for start in range(size):
            score_here = best[start][0]
            single = False
            for end in range(start + 1, min(size, start + self.longest) + 1):
                piece_id = self.ids.get(text[start:end])
                if piece_id is None:
                    continue
                candidate = self.scores[piece_id] + score_here
                if best[end] is None or candidate > best[end][0]:
                    best[end] = (candidate, start, piece_id)
                single = single or end == start + 1
            if not single:
                candidate = self.unk_score + score_here
                if best[start + 1] is None or candidate > best[start + 1][0]:
                    best[start + 1] = (candidate, start, self.unk_id)
        return self._backtrack(text, best)

    def _backtrack(self, text: str, best: list[tuple[float, int, int] | None]) -> list[int]:
        spans: list[tuple[int, int, int]] = []  # (start, end, id), last first
        end = len(text)
        while end > 0:
            _score, start, piece_id = best[end]
            if piece_id == self.unk_id and spans and spans[-1][2] == self.unk_id:
                # Consecutive unknown characters become one token (tokenizers' fuse_unk),
                # whose id is looked up by its text like any other.
                spans[-1] = (start, spans[-1][1], self.unk_id)
            else:
                spans.append((start, end, piece_id))
            end = start
        spans.reverse()
        return [self.ids.get(text[s:e], self.unk_id) if i == self.unk_id else i for s, e, i in spans]


def write_files(tokenizer_json: str, folder: Path, special: dict[str, int]) -> None:
    """Write the two files :meth:`UnigramTokenizer.from_folder` reads, from a Unigram
    ``tokenizer.json`` text; ``special`` names the unk/bos/eos/pad ids."""
    import json

    spec = json.loads(tokenizer_json)
    vocab = spec["model"]["vocab"]
    encoded = [piece.encode("utf-8") for piece, _score in vocab]
    # Offsets count characters, not bytes, so slicing the decoded blob gives each piece.
    lengths = [len(piece) for piece, _score in vocab]
    np.savez(
        Path(folder) / VOCAB_FILE,
        pieces=np.frombuffer(b"".join(encoded), dtype=np.uint8),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        scores=np.array([score for _piece, score in vocab], dtype=np.float64),
        special_names=np.array(list(special)),
        special_ids=np.array(list(special.values()), dtype=np.int64),
    )
    keep = sorted(set(special.values()))
    spec["model"]["vocab"] = [vocab[i] for i in keep]
    spec["model"]["unk_id"] = keep.index(special["unk"])
    spec["post_processor"] = None  # the ids of the cut vocabulary would be wrong; encode() adds them
    (Path(folder) / PIPELINE_FILE).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
