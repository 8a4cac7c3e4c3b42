"""Settings: command-line flag > environment variable > config file (TOML) > default.

The config file (``qa.toml`` in the working directory unless ``--config`` or ``QA_CONFIG``
names another) may hold::

    corpus = "corpus"            # QA_CORPUS
    index = "index"              # QA_INDEX
    cache_dir = "~/.cache/report-qa"   # QA_CACHE_DIR
    model = "multilingual-e5-small"    # QA_MODEL: the bundled default, or a model folder
    k = 5
    compact_query_encoder = true # QA_COMPACT_QUERY_ENCODER=0: questions through sentence-transformers too
    store = "faiss"              # QA_STORE: "faiss" (default) or "milvus" (needs report-qa[milvus])
    milvus_uri = "index/milvus.db"     # QA_MILVUS_URI: Milvus Lite folder, or http://host:19530
    milvus_collection = "report_qa"    # QA_MILVUS_COLLECTION: collection-name prefix

    [answer]
    abstain_threshold = 1.1      # see docs/evaluation.md for how to choose it

    [retrieval]                  # feature weights, see qa.retrieval.pipeline.Weights
    names = 0.8

    [bot]
    token = "..."                # TELEGRAM_BOT_TOKEN
    api_url = "..."              # TELEGRAM_API_URL
    admins = [12345]             # QA_BOT_ADMINS="12345,67890"
    examples = ["how much did Qingdao give Yiling"]
    # more bot keys (allow-list, question logging, workers, webhook): see bot/README.md
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

DEFAULT_MODEL = "multilingual-e5-small"


class ConfigError(Exception):
    """A configuration file or value that cannot be used."""


@dataclass(frozen=True)
class StoreSpec:
    """Which store a build writes to: ``kind`` faiss or milvus; for Milvus, the URI (a local
    ``.db`` path for Milvus Lite, or ``http://host:19530``) and the collection-name prefix."""

    kind: str = "faiss"
    milvus_uri: str | None = None
    milvus_collection: str = "report_qa"


@dataclass
class Settings:
    corpus_dir: Path
    index_dir: Path
    cache_dir: Path
    model: str = DEFAULT_MODEL
    k: int = 5
    compact_query_encoder: bool = True  # see qa.embedding.query_encoder
    config_path: Path | None = None
    store: str = "faiss"  # the vector store a build writes: faiss or milvus (qa.storage.vectorstores)
    milvus_uri: str | None = None  # None: <index>/milvus.db (Milvus Lite)
    milvus_collection: str = "report_qa"
    answer: dict = field(default_factory=dict)
    retrieval: dict = field(default_factory=dict)
    bot: dict = field(default_factory=dict)
    eval: dict = field(default_factory=dict)

    def store_spec(self) -> StoreSpec:
        """Where builds write their vectors."""
        return StoreSpec(self.store, self.milvus_uri, self.milvus_collection)

    @classmethod
    def load(
        cls,
        corpus: str | os.PathLike | None = None,
        index: str | os.PathLike | None = None,
        config: str | os.PathLike | None = None,
        cache_dir: str | os.PathLike | None = None,
        model: str | None = None,
        env: dict | None = None,
    ) -> "Settings":
        env = os.environ if env is None else env
        config_path, file_values = _read_config(config or env.get("QA_CONFIG"))
        base = config_path.parent if config_path else Path.cwd()

        def pick(flag, env_key, file_key, default):
            if flag is not None:
                return flag
            if env.get(env_key):
                return env[env_key]
            if file_key in file_values:
                return file_values[file_key]
            return default

        def as_path(value, relative_to: Path) -> Path:
            path = Path(os.path.expanduser(str(value)))
            return path if path.is_absolute() else (relative_to / path)

        # Paths given on the command line or in the environment are relative to the working
        # directory; paths in the config file are relative to the file.
        def resolve(flag, env_key, file_key, default) -> Path:
            if flag is not None or env.get(env_key):
                return as_path(pick(flag, env_key, file_key, default), Path.cwd())
            if file_key in file_values:
                return as_path(file_values[file_key], base)
            return as_path(default, Path.cwd())

        store = str(pick(None, "QA_STORE", "store", "faiss")).strip().lower()
        if store not in ("faiss", "milvus"):
            raise ConfigError(f"store must be faiss or milvus, got {store!r}")
        milvus_uri = pick(None, "QA_MILVUS_URI", "milvus_uri", None)
        if milvus_uri is not None and not re.match(r"^(https?|tcp|unix):", str(milvus_uri)):
            milvus_uri = str(resolve(None, "QA_MILVUS_URI", "milvus_uri", milvus_uri))  # a Milvus Lite path
        try:
            k = int(pick(None, "QA_K", "k", 5))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"k must be an integer: {exc}") from None
        return cls(
            corpus_dir=resolve(corpus, "QA_CORPUS", "corpus", "corpus"),
            index_dir=resolve(index, "QA_INDEX", "index", "index"),
            cache_dir=resolve(
                cache_dir, "QA_CACHE_DIR", "cache_dir", platformdirs.user_cache_dir("report-qa")
            ),
            model=str(pick(model, "QA_MODEL", "model", DEFAULT_MODEL)),
            k=k,
            compact_query_encoder=_as_bool(pick(None, "QA_COMPACT_QUERY_ENCODER", "compact_query_encoder", True)),
            config_path=config_path,
            store=store,
            milvus_uri=milvus_uri,
            milvus_collection=str(pick(None, "QA_MILVUS_COLLECTION", "milvus_collection", "report_qa")),
            answer=dict(file_values.get("answer", {})),
            retrieval=dict(file_values.get("retrieval", {})),
            bot=dict(file_values.get("bot", {})),
            eval=dict(file_values.get("eval", {})),
        )


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"expected true or false, got {value!r}")


def _read_config(name: str | os.PathLike | None) -> tuple[Path | None, dict]:
    explicit = name is not None
    path = Path(name) if explicit else Path.cwd() / "qa.toml"
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file not found: {path}")
        return None, {}
    try:
        with path.open("rb") as handle:
            return path.resolve(), tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
