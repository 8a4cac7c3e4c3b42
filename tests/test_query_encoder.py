"""qa.embedding.unigram + qa.embedding.query_encoder: the compact question path gives the same tokens and vectors
as the libraries it stands in for, and keeps sentence-transformers out of a serving process."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, ROOT

QUESTION_SETS = sorted((ROOT / "questions").glob("*.jsonl"))
EDGE_CASES = [
    "", " ", "  leading and trailing  ", "<s> </s> <unk> <pad> <mask>", "7777777", "======",
    "😀😀 emoji 🚀", "<b>markup</b> & [link](x) `code`", "青島市給夷陵區援助了多少資金？", "ＡＢＣ１２３",
    "tab\there\nnewline", "e\u0301 combining", "zero\u200bwidth", "a " * 1500, "中" * 2000,
]


def corpus_lines() -> list[str]:
    lines = []
    for folder in (CORPUS, ROOT / "examples" / "second-corpus"):
        for path in sorted(folder.iterdir()):
            lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def questions() -> list[str]:
    """Every single question of the sets (conversation cases hold turns, not a question)."""
    records = [json.loads(line) for path in QUESTION_SETS
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record["question"] for record in records if "question" in record]


def random_texts(count: int, seed: int = 7) -> list[str]:
    """Mixed scripts, symbols, emoji, combining marks, full-width forms and control characters."""
    rng = random.Random(seed)
    blocks = [(0x20, 0x7E), (0x4E00, 0x4FFF), (0x3000, 0x303F), (0xFF01, 0xFF5E), (0x0400, 0x04FF),
              (0x0600, 0x06FF), (0x0300, 0x036F), (0x1F300, 0x1F64F), (0x00A0, 0x00FF), (0x0, 0x1F)]
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(0, 80)):
            low, high = rng.choice(blocks)
            chars.append(chr(rng.randint(low, high)))
        texts.append("".join(chars))
    return texts


@pytest.fixture(scope="module")
def model_folder(cache_dir) -> Path:
    from qa.embedding import model_prep

    return model_prep.prepare_model(cache_dir)


@pytest.fixture(scope="module")
def reference_tokenizer(model_folder):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(model_folder / "tokenizer.json"))


@pytest.fixture(scope="module")
def compact(model_folder):
    from qa.embedding.query_encoder import QueryEncoder

    return QueryEncoder.from_folder(model_folder)


def reference_ids(tokenizer, text: str, max_length: int = 512) -> list[int]:
    ids = tokenizer.encode(text).ids
    return ids if len(ids) <= max_length else ids[: max_length - 1] + ids[-1:]


@pytest.mark.parametrize("source", ["corpus", "questions", "random", "edge cases"])
def test_token_ids_equal_the_tokenizers_library(source, compact, reference_tokenizer):
    texts = {"corpus": corpus_lines, "questions": questions, "random": lambda: random_texts(2000),
             "edge cases": lambda: EDGE_CASES}[source]()
    assert len(texts) >= 15
    mismatches = [
        text for text in texts for prompt in ("query: ", "passage: ")
        if compact.tokenizer.encode(prompt + text) != reference_ids(reference_tokenizer, prompt + text)
    ]
    assert mismatches == []


def test_long_text_is_cut_to_the_model_length(compact):
    ids = compact.tokenizer.encode("中" * 2000)
    assert len(ids) == 512 and ids[0] == compact.tokenizer.bos_id and ids[-1] == compact.tokenizer.eos_id


def test_vectors_equal_sentence_transformers(shared_engine, compact):
    model = shared_engine.embedder.load()  # the sentence-transformers model the index was built with
    texts = questions()[:60] + EDGE_CASES
    expected = np.concatenate([
        model.encode([text], prompt_name="query", normalize_embeddings=True) for text in texts])
    one_by_one = np.concatenate([compact.encode([text]) for text in texts])
    batched = compact.encode(texts, batch_size=16)  # padding must not change a vector
    assert one_by_one.shape == expected.shape and one_by_one.dtype == np.float32
    assert np.abs(one_by_one - expected).max() < 1e-5
    assert np.abs(batched - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(one_by_one, axis=1), 1.0, atol=1e-5)


def test_row_reader_refuses_ids_outside_the_vocabulary(compact):
    import torch

    reader = compact.model.get_input_embeddings()
    with pytest.raises(IndexError):
        reader(torch.tensor([[0, reader.rows]]))
    rows = reader(torch.tensor([[5, 5, 7]]))
    assert rows.shape == (1, 3, reader.dimension) and torch.equal(rows[0, 0], rows[0, 1])


def test_a_folder_without_the_compact_files_falls_back_to_sentence_transformers(tmp_path, model_folder, cache_dir):
    from qa.embedding import unigram
    from qa.embedding.embedder import Embedder, ModelSpec

    folder = tmp_path / "model"
    folder.mkdir()
    for path in model_folder.iterdir():
        if path.name not in (unigram.VOCAB_FILE, unigram.PIPELINE_FILE):
            (folder / path.name).symlink_to(path)
    messages = []
    embedder = Embedder(ModelSpec(str(folder), folder, bundled=False), cache_dir, messages.append)
    vector = embedder.encode_queries(["how much did Qingdao give Yiling"])
    assert vector.shape == (1, 384) and embedder._model is not None
    from qa.embedding.query_encoder import supports

    assert not supports(folder) and supports(model_folder)


def test_serving_process_never_imports_sentence_transformers(shared_engine):
    """A process that loads the engine and answers English and Chinese questions."""
    settings = shared_engine.settings
    script = f"""
import sys
from qa.config import Settings
from qa.engine import Engine
engine = Engine(Settings.load(corpus={str(settings.corpus_dir)!r}, index={str(settings.index_dir)!r},
                              cache_dir={str(settings.cache_dir)!r}, env={{}}))
engine.load()
answers = [engine.ask(q) for q in ("how much did Qingdao give Yiling", "青岛市给夷陵区援助了多少资金")]
print(all("9788.1" in a.answer for a in answers), "sentence_transformers" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "False"]


def test_answers_are_the_same_through_either_encoder(shared_engine):
    from qa.engine import Engine

    settings = shared_engine.settings
    plain = Engine(type(settings)(**{**settings.__dict__, "compact_query_encoder": False}))
    plain.embedder._model = shared_engine.embedder.load()
    for question in questions()[::9]:
        ours, theirs = shared_engine.ask(question), plain.ask(question)
        assert ours.answer == theirs.answer
        assert [c.passage.id for c in ours.citations] == [c.passage.id for c in theirs.citations]
