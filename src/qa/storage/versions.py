"""The index folder: versions written side by side, one of them current.

Layout::

    index/
      CURRENT               name of the live version (replaced atomically)
      .build.lock           held by the one build that may run at a time
      versions/<name>/      one complete build:
        manifest.json       model, dimension, build time, documents and their hashes,
                            passage count, checksums of every other file (written last)
        passages.jsonl      the passages, verbatim, with the hash of the text embedded
        vectors.npy         float32 vectors (loaded with allow_pickle=False)
        vectors.faiss       the FAISS index over them (FAISS store; with Milvus the vectors
                            are also in the collection the manifest's ``vector_store`` names)
        vector_store.json   the Milvus collection this version writes (written first, so that
                            clean-up finds a killed build's collection)
        derived/*.json      data derived from the corpus at build time (names, lexicon)

A build writes into ``versions/.tmp-*``, renames it to its final name when every file is
on disk, then moves the vector store's alias to it (Milvus), then replaces ``CURRENT``.
Killing it at any moment leaves the previous version current; leftovers are removed by the next build. Nothing is pickled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.storage.vectorstores import StoreSpec, row_info, store_class
from qa.storage.vectorstores.base import VectorStoreUnavailable
from qa.types import Passage

FORMAT_VERSION = 1
CURRENT = "CURRENT"
VERSIONS = "versions"
LOCK_NAME = ".build.lock"
STORE_RECORD = "vector_store.json"
KEEP_PREVIOUS = 1  # superseded versions kept for readers that loaded them a moment ago


class IndexMissingError(Exception):
    """No index has been built in this folder yet."""


class IndexCorruptError(Exception):
    """The current index cannot be trusted; the message says how to rebuild it."""


@dataclass
class IndexVersion:
    """A complete, verified version as loaded into memory."""

    path: Path
    manifest: dict
    passages: list[Passage]
    text_hashes: list[str]
    vectors: np.ndarray
    faiss_index: object
    derived: dict[str, object]
    vector_store: object = None  # qa.storage.vectorstores.VectorStore: what dense search asks

    @property
    def name(self) -> str:
        return self.path.name


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_STAMP = "%Y%m%dT%H%M%S%f"


def _version_stamp(name: str) -> dt.datetime | None:
    """The build time a version (or half-written version) folder name holds."""
    stamp = name.removeprefix(".tmp-").removeprefix("v").split("-")[0]
    form = _STAMP if len(stamp) == 21 else "%Y%m%dT%H%M%S"  # older indexes: to the second
    try:
        return dt.datetime.strptime(stamp, form)
    except ValueError:
        return None


def _next_version_name(versions: Path) -> str:
    """A name that sorts after every existing version's, so name order is build order.

    Clean-up keeps the versions just before the current one by name; two builds within one
    clock tick (or a clock set back) must still sort in the order they were built.
    """
    stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    existing = [s for s in (_version_stamp(p.name) for p in versions.iterdir()) if s is not None]
    if existing and stamp <= max(existing):
        stamp = max(existing) + dt.timedelta(microseconds=1)
    return f"v{stamp.strftime(_STAMP)}-{uuid.uuid4().hex[:6]}"


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class IndexStore:
    """Reads and writes versions in one index folder."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_NAME

    def current_name(self) -> str | None:
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexCorruptError(self._damaged(f"cannot read {CURRENT}: {exc}")) from None
        return name or None

    def current_path(self) -> Path | None:
        name = self.current_name()
        return self.root / VERSIONS / name if name else None

    def exists(self) -> bool:
        return self.current_name() is not None

    # -- reading ---------------------------------------------------------------------------

    def read_manifest(self) -> dict:
        """The current manifest alone (cheap: no vectors, no torch)."""
        path = self.current_path()
        if path is None:
            raise IndexMissingError(f"no index in {self.root}; build it with `qa index`")
        return self._load_manifest(path)

    def _load_manifest(self, path: Path) -> dict:
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexCorruptError(self._damaged(f"version {path.name} has no manifest")) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexCorruptError(self._damaged(f"unreadable manifest: {exc}")) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            raise IndexCorruptError(self._damaged("manifest of an unknown format"))
        return manifest

    def load(self) -> IndexVersion:
        """Load and verify the current version; raises IndexMissingError / IndexCorruptError."""
        path = self.current_path()
        if path is None:
            raise IndexMissingError(f"no index in {self.root}; build it with `qa index`")
        manifest = self._load_manifest(path)
        self._verify_checksums(path, manifest)
        try:
            passages, text_hashes = self._read_passages(path / "passages.jsonl")
            vectors = np.load(path / "vectors.npy", allow_pickle=False)
            derived = {
                name: json.loads((path / "derived" / f"{name}.json").read_text(encoding="utf-8"))
                for name in manifest.get("derived", [])
            }
            record = manifest.get("vector_store", {"kind": "faiss"})
            vector_store = store_class(record["kind"]).open(
                record, path, vectors, row_info(passages, derived.get("documents", {})))
            stored = vector_store.count()
        except VectorStoreUnavailable:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(self._damaged(f"{type(exc).__name__}: {exc}")) from None
        if len(passages) != len(vectors) or stored != len(passages):
            raise IndexCorruptError(self._damaged("passage and vector counts differ"))
        faiss_index = getattr(vector_store, "index", None)
        return IndexVersion(path, manifest, passages, text_hashes, vectors, faiss_index, derived, vector_store)

    def _verify_checksums(self, path: Path, manifest: dict) -> None:
        for name, expected in manifest.get("files", {}).items():
            file = path / name
            if not file.is_file():
                raise IndexCorruptError(self._damaged(f"{name} is missing"))
            if file_sha256(file) != expected:
                raise IndexCorruptError(self._damaged(f"{name} does not match its checksum"))

    @staticmethod
    def _read_passages(path: Path) -> tuple[list[Passage], list[str]]:
        passages, hashes = [], []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                hashes.append(record.pop("text_hash"))
                passages.append(Passage.from_dict(record))
        return passages, hashes

    def _damaged(self, detail: str) -> str:
        return (
            f"the index in {self.root} is damaged ({detail}); "
            f"rebuild it with `qa index --rebuild --index {self.root}`"
        )

    # -- writing ---------------------------------------------------------------------------

    def write_version(
        self,
        manifest: dict,
        passages: list[Passage],
        text_hashes: list[str],
        vectors: np.ndarray,
        derived: dict[str, object],
        spec: StoreSpec | None = None,
    ) -> Path:
        """Write a complete version and make it current. Call with the build lock held."""
        spec = spec or StoreSpec()

        versions = self.root / VERSIONS
        versions.mkdir(parents=True, exist_ok=True)
        name = _next_version_name(versions)
        tmp = versions / f".tmp-{name}"
        tmp.mkdir()
        (tmp / "derived").mkdir()
        lines = [
            json.dumps({**p.to_dict(), "text_hash": h}, ensure_ascii=False)
            for p, h in zip(passages, text_hashes)
        ]
        _write_file(tmp / "passages.jsonl", ("\n".join(lines) + "\n" if lines else "").encode("utf-8"))
        with (tmp / "vectors.npy").open("wb") as handle:
            np.save(handle, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
        vector_store = store_class(spec.kind).create(spec, tmp, name, int(vectors.shape[1]))
        if vector_store.external:
            _write_file(tmp / STORE_RECORD, json.dumps(vector_store.record).encode("utf-8"))
        vector_store.add(range(len(passages)), vectors, row_info(passages, derived.get("documents", {})))
        record = vector_store.finish()
        for key, value in derived.items():
            _write_file(tmp / "derived" / f"{key}.json", json.dumps(value, ensure_ascii=False).encode("utf-8"))
        files = ["passages.jsonl", "vectors.npy"] + vector_store.files() + [f"derived/{k}.json" for k in derived]
        manifest = {
            **manifest,
            "format": FORMAT_VERSION,
            "index_type": record["index_type"],
            "vector_store": record,
            "derived": sorted(derived),
            "files": {f: file_sha256(tmp / f) for f in files},
        }
        _write_file(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        _fsync_dir(tmp)
        final = versions / name
        os.rename(tmp, final)
        _fsync_dir(versions)
        type(vector_store).promote(record, self.root)
        self._point_to(name)
        return final

    def _point_to(self, name: str) -> None:
        pointer_tmp = self.root / f".{CURRENT}.{uuid.uuid4().hex[:6]}.tmp"
        _write_file(pointer_tmp, (name + "\n").encode("utf-8"))
        os.replace(pointer_tmp, self.root / CURRENT)
        _fsync_dir(self.root)

    def clean_up(self) -> list[str]:
        """Remove leftovers of interrupted builds and superseded versions. Build lock held."""
        versions = self.root / VERSIONS
        current = self.current_name()
        removed = []
        for stale in self.root.glob(f".{CURRENT}.*.tmp"):
            stale.unlink(missing_ok=True)
        if not versions.is_dir():
            return removed
        complete = sorted(
            (p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
        )
        keep = {current}
        older = [p.name for p in complete if p.name != current and (current is None or p.name < current)]
        keep.update(older[-KEEP_PREVIOUS:] if KEEP_PREVIOUS else [])
        if current is not None:  # a build killed between the store's switch and CURRENT's
            record = self._store_record(versions / current)
            if record:
                store_class(record["kind"]).promote(record, self.root)
        for path in versions.iterdir():
            if path.name not in keep:
                record = self._store_record(path)
                if record:
                    store_class(record["kind"]).drop(record, self.root)
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed

    @staticmethod
    def _store_record(path: Path) -> dict | None:
        """The record of data a version keeps outside its folder (a Milvus collection)."""
        try:
            return json.loads((path / STORE_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
