"""Benchmarks: speed, memory and scale of the engine, measured as ratios within one run.

    python benchmarks/run.py            # full run (tens of minutes: the 1M-passage scale step)
    python benchmarks/run.py --quick    # smoke-sized run (a few minutes)
    python benchmarks/run.py --quick --out /tmp/bench   # write somewhere else (CI)

Writes ``results.json``, ``scale.png`` and ``table.md`` into ``--out`` (default: this
folder) and prints the table. See ``benchmarks/README.md`` for what each figure means.

The machine this runs on is small and shared, so absolute times are noisy: every target
that can be is a ratio of two things measured in the same run, interleaved question by
question (or process by process) so that a burst of load hits both sides alike.

Internal: ``run.py _child MODE JSON`` is how the script runs the measured subprocesses.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import importlib.metadata
import io
import json
import math
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUESTIONS = ROOT / "questions" / "three-gorges.jsonl"
CORPUS = ROOT / "corpus"
SEED = 20240601
MIB = 1024 * 1024
NEAR_TIE = 0.002  # cosine: a returned neighbour this close to the exact 10th counts as a near tie

# Targets from the issue (issue 8). Memory: 1 GiB.
TARGETS = {
    "warm_p50_ratio_max": 1.3,
    "warm_p50_ms_max": 60.0,
    "cold_ratio_max": 1.2,
    "build_ratio_min": 0.8,
    "noop_s_max": 1.0,
    "serve_peak_mib_max": 1024.0,
    "scale_p95_ms_max": 10.0,
    "scale_recall_min": 0.95,
    "lexical_p95_ms_max": 50.0,
}

CHILD_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


# ============================================================================ small helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values, q: float) -> float | None:
    import numpy as np

    values = [v for v in values if v is not None]
    return float(np.percentile(values, q)) if values else None


def med(values) -> float | None:
    return pct(values, 50)


def rnd(value, digits: int = 3):
    if value is None:
        return None
    if isinstance(value, float):
        return round(value, digits)
    return value


def rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / MIB


class PeakRSS:
    """Samples this process's RSS in a thread: the peak during a ``with`` block."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()

    def __enter__(self):
        self.start = rss_mib()
        self.peak = self.start
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.end = rss_mib()
        self.peak = max(self.peak, self.end)


def version_of(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    import psutil

    cpu_model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_model": cpu_model,
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "torch": version_of("torch"),
        "sentence_transformers": version_of("sentence-transformers"),
        "transformers": version_of("transformers"),
        "faiss": version_of("faiss-cpu"),
        "numpy": version_of("numpy"),
        "load_average_start": load,
    }


def describe(machine: dict) -> str:
    return (f"{machine['cpu_model']}, {machine['logical_cores']} cores, {machine['memory_gib']} GiB RAM; "
            f"Python {machine['python']}, torch {machine['torch']}, transformers {machine['transformers']}, "
            f"sentence-transformers {machine['sentence_transformers']}, faiss {machine['faiss']}; "
            f"load avg at start {machine.get('load_average_start')}")


def proc_status_mib(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process (this one by default), in MiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":", 1)[0]
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(line.split()[1]) / 1024
    return values


def hwm_mib() -> float | None:
    """Peak resident memory of this process (VmHWM). Unlike ru_maxrss it starts afresh at
    exec: a child forked from a big parent does not inherit the parent's figure."""
    try:
        return proc_status_mib().get("VmHWM")
    except OSError:
        return None


def _report_hwm() -> None:
    target = os.environ.get("BENCH_HWM_FILE")
    value = hwm_mib()
    if target and value is not None:
        Path(target).write_text(str(value))


# What the `qa` console script runs, plus an exit hook that writes the peak RSS to a file.
QA_MAIN = (
    "import atexit, os, sys\n"
    "def _hwm():\n"
    "    path = os.environ.get('BENCH_HWM_FILE')\n"
    "    if path:\n"
    "        for line in open('/proc/self/status'):\n"
    "            if line.startswith('VmHWM:'):\n"
    "                open(path, 'w').write(str(int(line.split()[1]) / 1024))\n"
    "atexit.register(_hwm)\n"
    "from qa.cli import main\n"
    "sys.exit(main())\n"
)


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path | None = None,
                 timeout: float = 1800) -> dict:
    """Run a command; wall time, exit code, peak RSS of that process, stdout, stderr.

    The peak is the child's own VmHWM, written at exit (``BENCH_HWM_FILE``); wait4's
    ru_maxrss is only the fallback, as it starts from the parent's RSS at fork."""
    hwm_file = Path(tempfile.mkstemp(prefix="qa-bench-hwm-")[1])
    full_env = {**os.environ, **CHILD_ENV, **(env or {}), "BENCH_HWM_FILE": str(hwm_file)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=full_env, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    try:
        peak, source = float(hwm_file.read_text()), "VmHWM"
    except (OSError, ValueError):
        peak, source = usage.ru_maxrss / 1024, "ru_maxrss"
    hwm_file.unlink(missing_ok=True)
    return {"wall_s": wall, "rc": proc.returncode, "peak_rss_mib": peak, "peak_source": source,
            "stdout": stdout, "stderr": stderr}


def faiss_index_mib(index) -> float:
    """What a FAISS index holds in memory, from its structures (vectors, graph, lists)."""
    import faiss

    if isinstance(index, faiss.IndexRefine):  # the full vectors for re-ranking + the IVF codes
        return faiss_index_mib(faiss.downcast_index(index.refine_index)) + faiss_index_mib(
            faiss.downcast_index(index.base_index))
    if hasattr(index, "hnsw"):
        storage = faiss.downcast_index(index.storage).codes.size()
        h = index.hnsw
        return (storage + h.neighbors.size() * 4 + h.offsets.size() * 8 + h.levels.size() * 4) / MIB
    if hasattr(index, "invlists"):
        lists = index.invlists
        entries = sum(lists.list_size(i) for i in range(index.nlist))
        return (entries * (index.code_size + 8) + index.nlist * index.d * 4) / MIB
    return index.ntotal * index.d * 4 / MIB


def bm25_mib(index) -> float:
    """What a BM25 object holds: postings arrays plus the dict, tuples, keys and array headers."""
    total = sys.getsizeof(index._postings)
    for token, (rows, contribution, _idf) in index._postings.items():
        total += sys.getsizeof(token) + 64 + 24 + 2 * 112 + rows.nbytes + contribution.nbytes
    return total / MIB


def child_cmd(mode: str, payload: dict) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "_child", mode, json.dumps(payload)]


def last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON line in child output: {text[-2000:]}")


def checked(result: dict, what: str) -> dict:
    if result["rc"] != 0:
        raise RuntimeError(f"{what} failed (exit {result['rc']}):\n{result['stderr'][-3000:]}")
    return result


def qa_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", QA_MAIN, *args]


def load_question_texts(limit: int | None = None) -> list[str]:
    texts = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    return texts[:limit] if limit else texts


# ========================================================================== answer checks


def compact_answer(answer) -> dict:
    return {"answered": bool(answer.answered), "answer": answer.answer or "",
            "ids": [c.passage.id for c in answer.citations]}


def evaluate_answers(answers: list, limit: int | None) -> dict:
    """Evaluation figures of a list of Answer objects (in question-set order)."""
    from qa.evaluation.questions import load_questions
    from qa.evaluation.runner import record_answer

    questions = load_questions(QUESTIONS)[:len(answers)]
    records = [record_answer(q, a, k=len(a.citations) or 5, latency_ms=0.0) for q, a in zip(questions, answers)]
    answerable = [r for r in records if r.source is not None]
    unanswerable = [r for r in records if r.source is None]
    return {
        "questions": len(records),
        "answer_correct": sum(1 for r in answerable if r.answer_correct),
        "hit_at_1": sum(1 for r in answerable if 1 in r.relevant_ranks),
        "hit_at_3": sum(1 for r in answerable if any(x <= 3 for x in r.relevant_ranks)),
        "abstained_correctly": sum(1 for r in unanswerable if r.answer_correct),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }


def compare_answers(reference: list[dict], other: list[dict]) -> dict:
    pairs = list(zip(reference, other))
    return {
        "compared": len(pairs),
        "same_answer_text": sum(1 for a, b in pairs if a["answer"] == b["answer"] and a["answered"] == b["answered"]),
        "same_citations": sum(1 for a, b in pairs if a["ids"] == b["ids"]),
        "same_first_citation": sum(1 for a, b in pairs if a["ids"][:1] == b["ids"][:1]),
    }


# ============================================================================ child modes


def _settings(payload: dict):
    from qa.config import Settings

    return Settings.load(corpus=payload["corpus"], index=payload["index"], cache_dir=payload["cache"], env={})


def child_prepare(payload: dict) -> dict:
    from qa.model_prep import prepare_model

    started = time.perf_counter()
    prepare_model(Path(payload["cache"]))
    return {"seconds": time.perf_counter() - started}


def child_index_split(payload: dict) -> dict:
    """`qa index --rebuild --json` through qa.cli.main, with timers around its phases."""
    started = time.perf_counter()
    import qa.build as qb
    import qa.embed as qe
    from qa.cli import main
    from qa.store import IndexStore

    imported = time.perf_counter() - started
    timings: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    qb.corpus_state = timed("hash_corpus", qb.corpus_state)
    qb.load_corpus = timed("read_corpus", qb.load_corpus)
    qb._derived_data = timed("derive_gazetteer", qb._derived_data)
    IndexStore.write_version = timed("write_index_files", IndexStore.write_version)
    qe.Embedder._load_model = timed("load_model", qe.Embedder._load_model)
    qe.Embedder.encode_passages = timed("encode_passages", qe.Embedder.encode_passages)
    out = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, out
    try:
        rc = main(["index", "--rebuild", "--json", "--corpus", payload["corpus"], "--index", payload["index"]])
    finally:
        sys.stdout = real_stdout
    summary = last_json(out.getvalue())
    return {"rc": rc, "imports_s": imported, "phases_s": timings, "summary": summary,
            "in_process_s": time.perf_counter() - started,
            "torch_imported": "torch" in sys.modules}


def child_encode_baseline(payload: dict) -> dict:
    """Import sentence-transformers, load the model, encode the passages (batch as the build)."""
    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    imported = time.perf_counter() - started
    model = SentenceTransformer(payload["model"], device="cpu")
    loaded = time.perf_counter() - started
    texts = payload["texts"]
    t = time.perf_counter()
    model.encode(texts, prompt_name="passage", batch_size=payload["batch_size"], normalize_embeddings=True,
                 convert_to_numpy=True, show_progress_bar=False)
    return {"imports_s": imported, "load_s": loaded - imported, "encode_s": time.perf_counter() - t,
            "passages": len(texts)}


def child_st_embed_one(payload: dict) -> dict:
    """The cold-start baseline: import sentence-transformers, load the model, embed one string."""
    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(payload["model"], device="cpu")
    model.encode([payload["text"]], prompt_name="query", normalize_embeddings=True, show_progress_bar=False)
    return {"seconds": time.perf_counter() - started}


def child_noop_check(payload: dict) -> dict:
    from qa.cli import main

    out = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, out
    try:
        rc = main(["index", "--json", "--corpus", payload["corpus"], "--index", payload["index"]])
    finally:
        sys.stdout = real_stdout
    heavy = ["torch", "sentence_transformers", "transformers", "faiss", "jieba", "numpy"]
    return {"rc": rc, "summary": last_json(out.getvalue()), "imported": {m: m in sys.modules for m in heavy}}


def _engine(payload: dict):
    """An Engine on the benchmark's copies, in the mode the payload names: the compact question
    encoder (the default) or, with ``compact: false``, questions through sentence-transformers."""
    import dataclasses

    from qa.engine import Engine

    settings = dataclasses.replace(_settings(payload), compact_query_encoder=bool(payload.get("compact", True)))
    return Engine(settings)


def child_cold_phases(payload: dict) -> dict:
    """Where a cold answer's time goes (same steps as `qa ask`)."""
    t0 = time.perf_counter()
    from qa.engine import Engine  # noqa: F401 (timed: the import of the engine itself)

    t1 = time.perf_counter()
    engine = _engine(payload)
    engine.ensure_index()
    t2 = time.perf_counter()
    with engine._swap_lock:
        engine._install(engine._load_version())
    t3 = time.perf_counter()
    engine.embedder.load_for_queries()
    t4 = time.perf_counter()
    engine.ask(payload["question"])
    t5 = time.perf_counter()
    return {"import_engine_s": t1 - t0, "check_index_s": t2 - t1, "load_index_and_pipeline_s": t3 - t2,
            "import_and_load_model_s": t4 - t3, "first_question_s": t5 - t4, "total_s": t5 - t0,
            "sentence_transformers_imported": "sentence_transformers" in sys.modules}


def child_serve(payload: dict) -> dict:
    """A process serving questions: Engine loaded once, questions asked one by one. Resident
    memory is noted after the first question of each language and at each checkpoint (a
    number of questions), with the peak so far (VmHWM) at each checkpoint."""
    import re

    started = time.perf_counter()
    engine = _engine(payload)
    engine.load()
    loaded = {"rss_mib": rss_mib(), "peak_mib": hwm_mib(), "seconds": time.perf_counter() - started}
    questions = load_question_texts()[:payload["questions"]]
    checkpoints = set(payload["checkpoints"]) | {len(questions)}
    answers, latencies, peak_at, rss_at = [], [], {}, {}
    steps = [("model and index loaded", rss_mib())]
    seen_languages = set()
    for i, question in enumerate(questions, start=1):
        t = time.perf_counter()
        answers.append(engine.ask(question))
        latencies.append((time.perf_counter() - t) * 1000)
        language = "Chinese" if re.search(r"[\u4e00-\u9fff]", question) else "English"
        if language not in seen_languages:
            seen_languages.add(language)
            steps.append((f"after the first {language} question (#{i})", rss_mib()))
        if i in checkpoints:
            peak_at[str(i)], rss_at[str(i)] = hwm_mib(), rss_mib()
            steps.append((f"after {i} questions", rss_at[str(i)]))
    return {
        "compact": engine.embedder._query_encoder is not None, "after_load": loaded,
        "peak_at_mib": peak_at, "rss_at_mib": rss_at, "peak_final_mib": hwm_mib(), "rss_final_mib": rss_mib(),
        "ask_ms_p50": med(latencies), "ask_ms_p95": pct(latencies, 95), "rss_steps_mib": steps,
        "answers": [compact_answer(a) for a in answers],
        "evaluation": evaluate_answers(answers, None),
        "modules": {m: m in sys.modules for m in ("torch", "transformers", "sentence_transformers", "jieba")},
    }


CHILDREN = {
    "prepare": child_prepare, "index_split": child_index_split, "encode_baseline": child_encode_baseline,
    "st_embed_one": child_st_embed_one, "noop_check": child_noop_check, "cold_phases": child_cold_phases,
    "serve": child_serve,
}


def child_main(mode: str, payload_json: str) -> int:
    import atexit

    atexit.register(_report_hwm)
    for key, value in CHILD_ENV.items():
        os.environ.setdefault(key, value)
    result = CHILDREN[mode](json.loads(payload_json))
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


# ======================================================================== the benchmark


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.out = Path(args.out).resolve()
        self.results: dict = {}
        self.work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
        self.corpus = self.work / "corpus"
        self.index = self.work / "index"
        self.engine = None

    # -- setup --------------------------------------------------------------------------

    def setup(self) -> None:
        from qa.config import Settings
        from qa.model_prep import prepare_model

        shutil.copytree(CORPUS, self.corpus)
        self.cache = Settings.load(env=os.environ).cache_dir
        self.model_path = str(prepare_model(self.cache))  # not timed: the timed one is below
        self.env = {"QA_CACHE_DIR": str(self.cache)}
        self.payload = {"corpus": str(self.corpus), "index": str(self.index), "cache": str(self.cache)}
        n = self.args.questions or (8 if self.quick else None)
        self.questions = load_question_texts(n)

    def mark(self, section: str) -> None:
        """Note the load average as each section starts: absolute times depend on it."""
        self.results.setdefault("load_average_by_section", {})[section] = [round(x, 2) for x in os.getloadavg()]

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

    # -- 1. model preparation -----------------------------------------------------------

    def model_prep(self) -> None:
        self.mark("model_prep")
        log("model preparation (once, into an empty cache)")
        tmp_cache = self.work / "prep-cache"
        r = checked(run_measured(child_cmd("prepare", {"cache": str(tmp_cache)}), env=self.env), "model prep")
        inner = last_json(r["stdout"])
        shutil.rmtree(tmp_cache, ignore_errors=True)
        self.results["model_prep"] = {"seconds": rnd(inner["seconds"]), "process_s": rnd(r["wall_s"]),
                                      "peak_rss_mib": rnd(r["peak_rss_mib"], 1)}

    # -- 2. build -----------------------------------------------------------------------

    def build_process(self) -> None:
        self.mark("build_process")
        log("full build: qa index --rebuild (whole process)")
        r = checked(run_measured(child_cmd("index_split", self.payload), env=self.env), "qa index --rebuild")
        inner = last_json(r["stdout"])
        passages = inner["summary"]["passages"]
        phases = {k: rnd(v) for k, v in inner["phases_s"].items()}
        record = {
            "passages": passages, "process_s": rnd(r["wall_s"]), "peak_rss_mib": rnd(r["peak_rss_mib"], 1),
            "passages_per_s": rnd(passages / r["wall_s"]), "phases_s": phases,
            "imports_s": rnd(inner["imports_s"]),
        }
        if not self.quick:
            from qa.build import embedding_text
            from qa.embed import PASSAGE_BATCH_SIZE
            from qa.ingest import load_corpus

            _docs, passage_list, _skipped = load_corpus(self.corpus)
            texts = [embedding_text(p) for p in passage_list]
            log("build baseline: a process that loads the model and encodes the same passages")
            b = checked(run_measured(child_cmd("encode_baseline", {"model": self.model_path, "texts": texts,
                                                                   "batch_size": PASSAGE_BATCH_SIZE}), env=self.env),
                        "encode baseline")
            binner = last_json(b["stdout"])
            record["baseline_process_s"] = rnd(b["wall_s"])
            record["baseline_phases_s"] = {k: rnd(v) for k, v in binner.items() if k.endswith("_s")}
            record["process_ratio"] = rnd(b["wall_s"] / r["wall_s"])
        self.results["build"] = {"process": record}

    def build_in_process(self) -> None:
        """Indexer.run(rebuild=True) with the model already loaded vs model.encode of the same texts."""
        import qa.build as qb
        from qa.build import Indexer, embedding_text
        from qa.config import Settings
        from qa.embed import PASSAGE_BATCH_SIZE
        from qa.ingest import load_corpus
        from qa.store import IndexStore

        self.mark("build_in_process")
        log("build throughput in process (model loaded): Indexer vs model.encode")
        embedder = self.engine.embedder
        model = embedder.load()
        corpora = {1: self.corpus}
        if not self.quick:  # the same reports four times over, every paragraph made distinct
            corpora[4] = self.work / "corpus-x4"
            make_copies(self.corpus, corpora[4], 4)
        texts_of = {}
        for factor, folder in corpora.items():
            _docs, passages_k, _skipped = load_corpus(folder)
            texts_of[factor] = [embedding_text(p) for p in passages_k]
        originals = {"corpus_state": qb.corpus_state, "load_corpus": qb.load_corpus,
                     "_derived_data": qb._derived_data}
        original_write = IndexStore.write_version
        timings: dict[str, float] = {}

        def timed(name, fn):
            def wrapper(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    timings[name] = timings.get(name, 0.0) + time.perf_counter() - t
            return wrapper

        qb.corpus_state = timed("hash_corpus", originals["corpus_state"])
        qb.load_corpus = timed("read_corpus", originals["load_corpus"])
        qb._derived_data = timed("derive_gazetteer", originals["_derived_data"])
        IndexStore.write_version = timed("write_index_files", original_write)
        embedder.encode_passages = timed("encode_passages", embedder.encode_passages)
        import qa.retrieval.derive as qd

        # Whichever of the derivation's steps this version of qa.retrieval.derive has.
        derive_parts = [name for name in ("words_with_tags", "search_words", "build_gazetteer", "build_bridge",
                                          "_pinyin_index", "_pinyin_transcript", "cedict_entries",
                                          "english_names", "common_word_test", "Dictionary") if hasattr(qd, name)]
        derive_originals = {name: getattr(qd, name) for name in derive_parts}
        for name in derive_parts:
            if name == "Dictionary":  # a class: time its load() (the cached CC-CEDICT)
                qd.Dictionary = type("TimedDictionary", (), {
                    "load": staticmethod(timed("derive/Dictionary.load", derive_originals[name].load))})
            else:
                setattr(qd, name, timed(f"derive/{name}", derive_originals[name]))
        runs = []
        try:
            plan = [(1, rep) for rep in range(self.reps(7))] + [(4, rep) for rep in range(3) if 4 in corpora]
            for factor, rep in plan:
                texts = texts_of[factor]
                settings = Settings.load(corpus=corpora[factor], index=self.work / f"index-inproc-{factor}-{rep}",
                                         cache_dir=self.cache, env={})
                steps = ["build", "encode"] if rep % 2 == 0 else ["encode", "build"]
                entry = {"factor": factor, "passages": len(texts)}
                for step in steps:
                    timings.clear()
                    t = time.perf_counter()
                    if step == "build":
                        summary = Indexer(settings, embedder=embedder, log_fn=lambda m: None).run(rebuild=True)
                        entry["build_s"] = time.perf_counter() - t
                        entry["phases_s"] = dict(timings)
                        entry["embedded"] = summary.embedded
                    else:
                        model.encode(texts, prompt_name="passage", batch_size=PASSAGE_BATCH_SIZE,
                                     normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
                        entry["encode_s"] = time.perf_counter() - t
                runs.append(entry)
                shutil.rmtree(settings.index_dir, ignore_errors=True)
        finally:
            qb.corpus_state, qb.load_corpus, qb._derived_data = (
                originals["corpus_state"], originals["load_corpus"], originals["_derived_data"])
            IndexStore.write_version = original_write
            del embedder.encode_passages
            for name in derive_parts:
                setattr(qd, name, derive_originals[name])
        # CC-CEDICT does not depend on the corpus: what it costs parsed afresh (the first build
        # on a machine, or an older engine) and read from the cache (every later build).
        dictionary_parse = None
        if hasattr(derive_originals.get("Dictionary"), "_parse"):
            t = time.perf_counter()
            derive_originals["Dictionary"]._parse()
            dictionary_parse = time.perf_counter() - t
        elif hasattr(qd, "cedict_entries"):
            t = time.perf_counter()
            qd.cedict_entries()
            dictionary_parse = time.perf_counter() - t
        larger = [r for r in runs if r["factor"] == 4]
        runs = [r for r in runs if r["factor"] == 1]
        n = len(texts_of[1])
        build_s = med([r["build_s"] for r in runs])
        encode_s = med([r["encode_s"] for r in runs])
        per_rep = [r["encode_s"] / r["build_s"] for r in runs]
        top = [k for k in sorted({k for r in runs for k in r["phases_s"]}) if "/" not in k]
        sub = sorted({k for r in runs for k in r["phases_s"]} - set(top))
        phases = {k: rnd(med([r["phases_s"].get(k, 0.0) for r in runs])) for k in top}
        phases["other"] = rnd(med([r["build_s"] - sum(r["phases_s"].get(k, 0.0) for k in top) for r in runs]))
        derive_split = {k.split("/", 1)[1]: rnd(med([r["phases_s"].get(k, 0.0) for r in runs])) for k in sub}
        fixed = sum(derive_split.get(k, 0.0) for k in ("Dictionary.load", "cedict_entries", "english_names",
                                                        "common_word_test"))
        without_derive = build_s - phases.get("derive_gazetteer", 0.0)
        self.results["build"]["in_process"] = {
            "passages": n, "reps": len(runs), "build_s": rnd(build_s), "encode_s": rnd(encode_s),
            "build_passages_per_s": rnd(n / build_s), "encode_passages_per_s": rnd(n / encode_s),
            "ratio": rnd(med(per_rep)), "ratio_per_rep": [rnd(x) for x in per_rep],
            "ratio_of_medians": rnd(encode_s / build_s), "ratio_without_gazetteer": rnd(encode_s / without_derive),
            "phases_s_median": phases, "derive_split_s_median": derive_split,
            "corpus_independent_derive_s": rnd(fixed), "dictionary_parse_uncached_s": rnd(dictionary_parse),
            "ratio_without_dictionary": rnd(encode_s / (build_s - fixed)),
            "larger_corpus": None if not larger else {
                "passages": larger[0]["passages"], "reps": len(larger),
                "build_s": rnd(med([r["build_s"] for r in larger])), "encode_s": rnd(med([r["encode_s"] for r in larger])),
                "ratio": rnd(med([r["encode_s"] / r["build_s"] for r in larger])),
                "derive_s": rnd(med([r["phases_s"].get("derive_gazetteer", 0.0) for r in larger]))},
            "runs": [{k: (rnd(v) if not isinstance(v, dict) else {a: rnd(b) for a, b in v.items()})
                      for k, v in r.items()} for r in runs],
        }

    # -- 3. no-op rebuild ---------------------------------------------------------------

    def noop(self) -> None:
        self.mark("noop")
        log("no-op rebuild: qa index with nothing changed")
        walls = []
        for _ in range(self.reps(5, 2)):
            r = checked(run_measured(qa_cmd("index", "--json", "--corpus", str(self.corpus), "--index", str(self.index)),
                                     env=self.env), "qa index (no-op)")
            summary = last_json(r["stdout"])
            walls.append((r["wall_s"], r["peak_rss_mib"], summary.get("unchanged")))
        check = checked(run_measured(child_cmd("noop_check", self.payload), env=self.env), "no-op check")
        inner = last_json(check["stdout"])
        self.results["noop_rebuild"] = {
            "process_s_median": rnd(med([w[0] for w in walls])), "process_s_all": [rnd(w[0]) for w in walls],
            "peak_rss_mib": rnd(max(w[1] for w in walls), 1), "unchanged": all(w[2] for w in walls),
            "imported": inner["imported"], "torch_imported": inner["imported"]["torch"],
        }

    # -- 4. cold start ------------------------------------------------------------------

    def cold_start(self) -> None:
        """`qa ask` (default: compact question encoder) vs the issue's baseline, a process that
        imports sentence-transformers, loads the model and embeds one string; also `qa ask` with
        QA_COMPACT_QUERY_ENCODER=0 (questions through sentence-transformers), with its own ratio."""
        self.mark("cold")
        log("cold start: qa ask (both modes) vs import sentence-transformers + load + embed one string")
        question = self.questions[0]
        ask = qa_cmd("ask", "--json", "--corpus", str(self.corpus), "--index", str(self.index), question)
        commands = {
            "qa_ask": (ask, {"QA_COMPACT_QUERY_ENCODER": "1"}),
            "st_baseline": (child_cmd("st_embed_one", {"model": self.model_path, "text": question}), {}),
            "qa_ask_st": (ask, {"QA_COMPACT_QUERY_ENCODER": "0"}),
        }
        variants = list(commands)
        runs = []
        for rep in range(self.reps(3)):
            order = variants[rep % len(variants):] + variants[:rep % len(variants)]
            entry = {}
            for variant in order:
                cmd, env = commands[variant]
                r = checked(run_measured(cmd, env={**self.env, **env}), variant)
                entry[variant] = {"wall_s": r["wall_s"], "peak_rss_mib": r["peak_rss_mib"]}
            runs.append(entry)
        record = {"question": question, "reps": len(runs)}
        for variant in variants:
            record[f"{variant}_s"] = rnd(med([e[variant]["wall_s"] for e in runs]))
            record[f"{variant}_peak_rss_mib"] = rnd(med([e[variant]["peak_rss_mib"] for e in runs]), 1)
        record["ratio"] = rnd(med([e["qa_ask"]["wall_s"] / e["st_baseline"]["wall_s"] for e in runs]))
        record["ratio_st_mode"] = rnd(med([e["qa_ask_st"]["wall_s"] / e["st_baseline"]["wall_s"] for e in runs]))
        for suffix, compact in (("", True), ("_st_mode", False)):
            r = checked(run_measured(child_cmd("cold_phases", {**self.payload, "question": question,
                                                               "compact": compact}), env=self.env),
                        f"cold phases ({'compact' if compact else 'sentence-transformers'})")
            inner = last_json(r["stdout"])
            record[f"phases{suffix}_s"] = {k: rnd(v) for k, v in inner.items() if k.endswith("_s")}
            record[f"sentence_transformers_imported{suffix}"] = inner["sentence_transformers_imported"]
        self.results["cold_start"] = record

    # -- 5. warm answers ----------------------------------------------------------------

    def load_engine(self) -> None:
        from qa.config import Settings
        from qa.engine import Engine

        log("loading the engine in this process")
        settings = Settings.load(corpus=self.corpus, index=self.index, cache_dir=self.cache, env={})
        self.engine = Engine(settings, log_fn=lambda m: None)
        self.engine.load()
        self.engine.ask("warm-up question for latency measurement")
        self.engine.embedder.encode_queries(["warm-up"])

    def warm(self) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self.mark("warm")
        log(f"warm answers: {len(self.questions)} questions, ask and embed interleaved")
        engine = self.engine
        embedder = engine.embedder
        # What-ifs on encoding speed alone (not the engine's question path): the same question
        # through sentence-transformers in float32 (the build's model, and the question path with
        # compact_query_encoder off) and in bf16.
        st_fp32 = embedder.load()
        bf16 = SentenceTransformer(self.model_path, device="cpu", model_kwargs={"dtype": torch.bfloat16})
        for model in (st_fp32, bf16):
            model.encode(["warm-up"], prompt_name="query", show_progress_bar=False)
        analyzer = engine._pipeline.analyzer
        times = {"ask": [], "embed": [], "embed_dense_text": [], "embed_st": [], "embed_bf16": []}
        answers, encoded_per_ask = [], []
        for i, question in enumerate(self.questions):
            dense_text = analyzer.run(question).dense_text()

            def ask():
                before = embedder.texts_encoded
                answers.append(engine.ask(question))
                encoded_per_ask.append(embedder.texts_encoded - before)

            def st_encode(model):
                return lambda: model.encode([question], prompt_name="query", batch_size=32, normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False)

            ops = [
                ("ask", ask),
                ("embed", lambda: embedder.encode_queries([question])),
                ("embed_dense_text", lambda: embedder.encode_queries([dense_text])),
                ("embed_st", st_encode(st_fp32)),
                ("embed_bf16", st_encode(bf16)),
            ]
            shift = i % len(ops)
            for name, op in ops[shift:] + ops[:shift]:
                t = time.perf_counter()
                op()
                times[name].append((time.perf_counter() - t) * 1000)
        del bf16, st_fp32
        gc.collect()
        ask_ms, emb_ms = times["ask"], times["embed"]
        per_q_ratio = [a / e for a, e in zip(ask_ms, emb_ms)]
        overhead = [a - d for a, d in zip(ask_ms, times["embed_dense_text"])]
        self.warm_answers = [compact_answer(a) for a in answers]
        record = {"questions": len(self.questions)}
        for name, values in times.items():
            record[f"{name}_ms_p50"] = rnd(med(values), 2)
            record[f"{name}_ms_p95"] = rnd(pct(values, 95), 2)
        record.update({
            "ratio_p50": rnd(med(ask_ms) / med(emb_ms)),
            "ratio_p95": rnd(pct(ask_ms, 95) / pct(emb_ms, 95)),
            "per_question_ratio_p50": rnd(med(per_q_ratio)),
            "per_question_ratio_p95": rnd(pct(per_q_ratio, 95)),
            "non_model_ms_p50": rnd(med(overhead), 2),
            "compact_vs_st_embed_speedup_p50": rnd(med(times["embed_st"]) / med(emb_ms)),
            "bf16_embed_speedup_p50": rnd(med(times["embed_st"]) / med(times["embed_bf16"])),
            "vectors_encoded_per_ask": sorted(set(encoded_per_ask)),
            "evaluation_fp32": evaluate_answers(answers, None),
        })
        self.results["warm"] = record

    # -- 6. profile ---------------------------------------------------------------------

    def profile(self) -> None:
        self.mark("profile")
        log("profile: where the time of one question goes")
        engine = self.engine
        pipeline, builder, embedder = engine._pipeline, engine._answers, engine.embedder
        spent: dict[str, list[float]] = {}
        current: dict[str, float] = {}

        def timed(name, fn):
            def wrapper(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    current[name] = current.get(name, 0.0) + (time.perf_counter() - t) * 1000
            return wrapper

        targets = [
            (pipeline.analyzer, "run", "analyse question (names, terms, translation)"),
            (embedder, "encode_queries", "embed question (model)"),
            (pipeline.dense, "run", "dense search (faiss)"),
            (pipeline.lexical, "run", "lexical search (BM25)"),
            (pipeline, "_score", "re-score candidates"),
            (pipeline, "_names_meet", "names-meet scan"),
            (builder, "run", "build answer"),
        ]
        for obj, attr, label in targets:
            setattr(obj, attr, timed(label, getattr(obj, attr)))
        n = min(len(self.questions), 4 if self.quick else 60)
        try:
            for question in self.questions[:n]:
                current.clear()
                t = time.perf_counter()
                engine.ask(question)
                total = (time.perf_counter() - t) * 1000
                current["other (fusion, sorting, locks)"] = total - sum(current.values())
                current["total"] = total
                for key, value in current.items():
                    spent.setdefault(key, []).append(value)
        finally:
            for obj, attr, _label in targets:
                delattr(obj, attr)
        breakdown = {k: {"ms_mean": rnd(sum(v) / len(v), 2), "ms_p50": rnd(med(v), 2)} for k, v in spent.items()}
        total_mean = sum(spent["total"]) / len(spent["total"])
        for k, v in breakdown.items():
            v["share"] = rnd(v["ms_mean"] / total_mean, 3)
        # cProfile of one English and one Chinese question.
        profiles = {}
        for question in self._one_per_language():
            profiler = cProfile.Profile()
            profiler.runcall(engine.ask, question)
            stream = io.StringIO()
            stats = pstats.Stats(profiler, stream=stream)
            stats.sort_stats("cumulative")
            rows = []
            for func, (cc, nc, tt, ct, _callers) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3])[:25]:
                filename, line, name = func
                short = filename.split("site-packages/")[-1].split("/src/")[-1]
                rows.append({"function": f"{short}:{line}({name})", "calls": nc, "tottime_ms": rnd(tt * 1000, 2),
                             "cumtime_ms": rnd(ct * 1000, 2)})
            profiles[question] = rows
        self.results["profile"] = {"questions": n, "breakdown": breakdown, "cprofile_top_cumulative": profiles}

    def _one_per_language(self) -> list[str]:
        import re

        zh = next((q for q in self.questions if re.search(r"[\u4e00-\u9fff]", q)), None)
        en = next((q for q in self.questions if not re.search(r"[\u4e00-\u9fff]", q)), None)
        return [q for q in (en, zh) if q]

    # -- 7. memory ----------------------------------------------------------------------

    def memory(self) -> None:
        """Serving processes in both question modes, every question of the run asked in each:
        the default (compact question encoder) and compact_query_encoder=False (questions through
        sentence-transformers, as before). RSS after the first question of each language and at
        checkpoints (20, 60, all) shows whether it stays flat; answers of the sentence-transformers
        mode are compared with the default's, and the default's with the warm section's."""
        self.mark("memory")
        count = len(self.questions)
        early = min(5 if self.quick else 20, count)
        checkpoints = sorted({early, count} | ({60} if count > 60 else set()))
        out: dict = {"checkpoints": checkpoints, "early_n": early}
        for name, compact in (("compact", True), ("sentence-transformers", False)):
            log(f"memory: serving process, {name} question encoder, {count} questions")
            payload = {**self.payload, "compact": compact, "questions": count, "checkpoints": checkpoints}
            r = checked(run_measured(child_cmd("serve", payload), env=self.env), f"serve {name}")
            inner = last_json(r["stdout"])
            peaks, rss = inner["peak_at_mib"], inner["rss_at_mib"]
            record = {
                "compact_query_encoder": compact, "encoder_in_use": "compact" if inner["compact"] else "sentence-transformers",
                "questions": count, "process_peak_rss_mib": rnd(r["peak_rss_mib"], 1),
                "peak_rss_early_mib": rnd(peaks[str(early)], 1),
                "peak_rss_all_mib": rnd(peaks[str(count)], 1),
                "peak_rss_at_mib": {n: rnd(v, 1) for n, v in peaks.items()},
                "rss_at_mib": {n: rnd(v, 1) for n, v in rss.items()},
                "rss_growth_after_early_mib": rnd(rss[str(count)] - rss[str(early)], 1),
                "rss_after_load_mib": rnd(inner["after_load"]["rss_mib"], 1),
                "load_s": rnd(inner["after_load"]["seconds"], 2),
                "ask_ms_p50": rnd(inner["ask_ms_p50"], 2), "ask_ms_p95": rnd(inner["ask_ms_p95"], 2),
                "modules": inner["modules"],
                "rss_steps_mib": [[label, rnd(value, 1)] for label, value in inner["rss_steps_mib"]],
                "evaluation": inner["evaluation"],
            }
            if compact:
                reference = inner["answers"]
                if self.warm_answers:
                    record["same_as_warm"] = compare_answers(self.warm_answers, reference)
            else:
                record["same_as_compact"] = compare_answers(reference, inner["answers"])
            out[name] = record
        out["index_build_peak_rss_mib"] = self.results["build"]["process"]["peak_rss_mib"]
        out["qa_bot"] = self.bot_memory()
        self.results["memory"] = out

    def bot_memory(self) -> dict:
        """The real `qa bot` process, polling the project's fake Bot API server on loopback
        (tests/botapi_server.py), asked every question of the run one at a time; its VmHWM
        and VmRSS are read from /proc while it serves."""
        sys.path.insert(0, str(ROOT / "tests"))
        from botapi_server import FakeBotAPI

        token = "123456:bench-token"
        env = {**os.environ, **self.env, "TELEGRAM_BOT_TOKEN": token, "QA_CORPUS": str(self.corpus),
               "QA_INDEX": str(self.index), "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        log(f"memory: qa bot process, {len(self.questions)} questions over the fake Bot API")
        status: dict = {}

        def bot_status() -> dict[str, float]:
            return {key: rnd(value, 1) for key, value in proc_status_mib(proc.pid).items()}

        with FakeBotAPI(token=token) as api:
            proc = subprocess.Popen(qa_cmd("bot", "--api-url", api.base_url), env=env, cwd=self.work,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                api.wait_for(lambda: api.calls_of("getUpdates") or proc.poll() is not None, timeout=300,
                             what="the bot to poll")
                if proc.poll() is not None:
                    raise RuntimeError(f"qa bot exited: {proc.stderr.read()[-2000:]}")
                status["started"] = bot_status()
                latencies = []
                for i, question in enumerate(self.questions, start=1):
                    t = time.perf_counter()
                    api.wait_replies(api.user_says(question, user_id=1000 + i % 7), timeout=120)
                    latencies.append((time.perf_counter() - t) * 1000)
                    if i in (1, 20, 60):
                        status[f"after_{i}"] = bot_status()
                status["after_all"] = bot_status()
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        return {"questions": len(self.questions), "status_mib": status,
                "peak_rss_mib": status["after_all"]["VmHWM"], "reply_ms_p50": rnd(med(latencies), 1),
                "reply_ms_p95": rnd(pct(latencies, 95), 1)}

    # -- 8. scale -----------------------------------------------------------------------

    def scale_seeds(self) -> dict:
        """Real vectors, texts and queries the synthetic corpora are mixed from."""
        import numpy as np

        from qa.retrieval.pipeline import _context

        engine = self.engine
        pipeline = engine._pipeline
        version = engine._version
        all_questions = load_question_texts()
        analyses = [pipeline.analyzer.run(q) for q in all_questions]
        query_vectors = engine.embedder.encode_queries([a.dense_text() for a in analyses])
        lexical_queries = [pipeline._lexical_query(a) for a in analyses]
        # A real question naming two places, for the names-meet check at scale.
        self.names_analysis = next((a for a in analyses if len(a.names) >= 2), None) or type(
            "A", (), {"names": [type("N", (), {"forms": [f]})() for f in ("青岛市", "夷陵区")]})()
        return {
            "passage_vectors": np.array(version.vectors, dtype=np.float32),
            "passage_texts": [_context(p) for p in version.passages],
            "question_vectors": query_vectors,
            "lexical_queries": lexical_queries,
        }

    def scale(self, seeds: dict) -> None:
        import numpy as np

        self.mark("scale")
        sizes = self.args.sizes
        n_queries = 100 if self.quick else 200
        rng = np.random.default_rng(SEED)
        nmax = max(sizes)
        log(f"scale: generating {nmax} synthetic vectors")
        t = time.perf_counter()
        vectors = mix_vectors(seeds["passage_vectors"], nmax, rng)
        queries = mix_vectors(seeds["question_vectors"], n_queries, rng)
        # Queries drawn like the passages themselves, to tell the index from the query set apart.
        passage_like = mix_vectors(seeds["passage_vectors"], n_queries, np.random.default_rng(SEED + 2))
        generation = {"vectors_s": rnd(time.perf_counter() - t)}
        rows = []
        for n in sizes:
            rows.append({"passages": n, "dense": self.scale_dense(vectors[:n], queries, passage_like)})
            gc.collect()
            if self.args.milvus and n >= self.args.milvus_min:
                rows[-1]["milvus"] = self.scale_milvus(vectors[:n], queries)
                gc.collect()
        del vectors
        gc.collect()
        if self.args.no_lexical:
            self.results["scale"] = {"queries_dense": n_queries, "generation": generation, "rows": rows,
                                     "exact_max": self.args.exact_max}
            return
        log(f"scale: generating {nmax} synthetic texts")
        t = time.perf_counter()
        texts = mix_texts(seeds["passage_texts"], nmax, rng)
        generation["texts_s"] = rnd(time.perf_counter() - t)
        lexical_queries = seeds["lexical_queries"][: (60 if self.quick else None)]
        self.scale_lexical(texts, sizes, lexical_queries, rows)
        del texts
        gc.collect()
        self.results["scale"] = {
            "queries_dense": n_queries, "queries_lexical": len(lexical_queries), "generation": generation,
            "exact_max": self.args.exact_max, "rows": rows,
            "method": ("vectors: convex mixtures (Dirichlet weights) of 2-3 real passage vectors + N(0, 0.02) "
                       "noise per dimension, renormalised; queries: real question vectors mixed the same way; "
                       "texts: pieces of 2-3 real passages (lengths in proportion to the weights) joined by "
                       "a newline; lexical queries: the engine's own BM25 queries for the real questions. "
                       "recall_at_10: share of the exact top 10 (IndexFlatIP) found in the index's top 10; "
                       f"near_tie_recall: share of the index's top 10 scoring at least the exact 10th score "
                       f"minus {NEAR_TIE}; passage_like: queries mixed from passage vectors instead of questions"),
        }

    def scale_dense(self, x, queries, passage_like) -> dict:
        import faiss
        import numpy as np

        from qa.retrieval.pipeline import POOL
        from qa.vector_index import build_index, configure, index_kind, search, write_index

        n, d = x.shape
        exact_max = self.args.exact_max
        log(f"scale: dense index over {n} vectors")
        record: dict = {}
        gc.collect()
        with PeakRSS() as peak:
            t = time.perf_counter()
            index = build_index(x, exact_max=exact_max)
            build_s = time.perf_counter() - t
        built = int(index.ntotal)
        record.update({"index_type": index_kind(index), "built_vectors": built, "build_s": rnd(build_s, 2),
                       "build_peak_rss_delta_mib": rnd(peak.peak - peak.start, 1),
                       "index_rss_delta_mib": rnd(peak.end - peak.start, 1),
                       "index_mib": rnd(faiss_index_mib(index), 1),
                       "vectors_array_mib": rnd(x.nbytes / MIB, 1)})
        path = self.work / "scale.faiss"
        write_index(index, path)
        record["disk_mib"] = rnd(path.stat().st_size / MIB, 1)
        path.unlink()
        xb = x[:built]
        # Exact neighbours (and exact single-query latency, for comparison).
        flat = faiss.IndexFlatIP(d)
        flat.add(np.ascontiguousarray(xb))
        t = time.perf_counter()
        truth = flat.search(queries, 100)
        record["exact_batch_s"] = rnd(time.perf_counter() - t, 2)
        truth_passage_like = flat.search(passage_like, 100)
        # How far apart the neighbours are: near-ties make recall@10 a matter of noise.
        scores = truth[0]
        record["exact_scores_mean_at_rank"] = {str(r): rnd(float(scores[:, r - 1].mean()), 4) for r in (1, 10, 11, 100)}
        exact_lat = []
        for q in queries[:30]:
            t = time.perf_counter()
            search(flat, q.reshape(1, -1), POOL)
            exact_lat.append((time.perf_counter() - t) * 1000)
        record["exact_search_ms_p50"] = rnd(med(exact_lat), 3)
        record["exact_search_ms_p95"] = rnd(pct(exact_lat, 95), 3)
        del flat
        gc.collect()
        lat, recall, near = self.timed_searches(index, queries, truth, POOL)
        _lat, recall_pl, _near = self.timed_searches(index, passage_like, truth_passage_like, POOL)
        record.update({"search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3),
                       "recall_at_10": rnd(recall, 4), "near_tie_recall": rnd(near, 4),

                       "recall_at_10_passage_like": rnd(recall_pl, 4), "k": POOL})
        if isinstance(index, faiss.IndexRefine):
            record["probe_sweep"] = self.probe_sweep(index, queries, truth, passage_like, truth_passage_like)
            good = [e for e in record["probe_sweep"] if e["recall_at_10"] >= TARGETS["scale_recall_min"]]
            record["fewest_probes_meeting_recall"] = good[0] if good else None
            configure(index)
            ivf = faiss.extract_index_ivf(index)
            record["ivf"] = {"nlist": ivf.nlist, "nprobe": ivf.nprobe, "k_factor": index.k_factor,
                             "encoding": "SQ8", "parallel_mode": ivf.parallel_mode}
        del index
        gc.collect()
        if not self.quick and n > exact_max and not self.args.no_ivf:
            record["ivf_alternative"] = self.ivf_alternative(xb, queries, truth)
        return record

    def scale_milvus(self, x, queries) -> dict:
        """The Milvus Lite store over the same vectors and queries (--milvus): insert, index and
        load time, memory (this process: Milvus Lite runs in it), single-query latency and
        recall@10 against exact search, through the engine's own MilvusStore."""
        import faiss
        import numpy as np

        from qa.retrieval.pipeline import POOL
        from qa.vectorstores import StoreSpec
        from qa.vectorstores.base import RowInfo
        from qa.vectorstores.milvus_store import MilvusStore, release

        n, d = x.shape
        log(f"scale: Milvus Lite over {n} vectors")
        folder = self.work / "milvus" / "versions" / f"v{n}"
        folder.mkdir(parents=True, exist_ok=True)
        uri = str(self.work / "milvus" / f"scale-{n}.db")
        gc.collect()
        with PeakRSS() as peak:
            t = time.perf_counter()
            store = MilvusStore.create(StoreSpec("milvus", uri, "bench"), folder, f"v{n}", d)
            info = [RowInfo(f"p{i}", f"doc{i // 1000}.txt", None) for i in range(n)]
            store.add(range(n), x, info)
            insert_s = time.perf_counter() - t
            t = time.perf_counter()
            record = store.finish()
            index_s = time.perf_counter() - t
        flat = faiss.IndexFlatIP(d)
        flat.add(np.ascontiguousarray(x))
        truth_scores, truth_rows = flat.search(queries, 10)
        del flat
        lat, hits, near = [], 0, 0
        for i, q in enumerate(queries):
            t = time.perf_counter()
            found = store.search(q, POOL)
            lat.append((time.perf_counter() - t) * 1000)
            top = [r for r, _s in found[:10]]
            hits += len(set(top) & set(truth_rows[i].tolist()))
            near += sum(1 for _r, sc in found[:10] if sc >= truth_scores[i, 9] - NEAR_TIE)
        docs = ["doc3.txt", "doc7.txt"]
        filtered_lat, outside = [], 0
        for q in queries[:20]:
            t = time.perf_counter()
            found = store.search(q, POOL, docs=docs)
            filtered_lat.append((time.perf_counter() - t) * 1000)
            outside += sum(1 for r, _s in found if info[r].doc not in docs)
        disk = sum(f.stat().st_size for f in Path(uri).rglob("*") if f.is_file())
        release(uri)
        shutil.rmtree(self.work / "milvus", ignore_errors=True)
        return {"store": "milvus-lite " + (version_of("milvus-lite") or "?"), "index_type": record["index_type"],
                "index_params": record["index_params"], "nprobe": store_nprobe(record),
                "insert_s": rnd(insert_s, 2), "index_s": rnd(index_s, 2), "build_s": rnd(insert_s + index_s, 2),
                "build_peak_rss_delta_mib": rnd(peak.peak - peak.start, 1),
                "rss_delta_mib": rnd(peak.end - peak.start, 1), "disk_mib": rnd(disk / MIB, 1),
                "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3),
                "recall_at_10": rnd(hits / (10 * len(queries)), 4),
                "near_tie_recall": rnd(near / (10 * len(queries)), 4), "k": POOL,
                "filtered_search_ms_p50": rnd(med(filtered_lat), 3), "filtered_rows_outside": outside}

    def timed_searches(self, index, queries, truth, k):
        """Single-query searches of k (the pipeline's pool): latencies (ms), recall@10, near-tie
        recall@10. (The exact top 10 found anywhere in the k returned is the same share: these
        indexes score the candidates they visit exactly, so a found top-10 row ranks in the top 10.)"""
        from qa.vector_index import search

        truth_scores, truth_rows = truth
        lat, hits, near = [], 0, 0
        for i, q in enumerate(queries):
            t = time.perf_counter()
            scores, rows = search(index, q.reshape(1, -1), k)
            lat.append((time.perf_counter() - t) * 1000)
            hits += len(set(rows[0][:10].tolist()) & set(truth_rows[i, :10].tolist()))
            near += int((scores[0][:10] >= truth_scores[i, 9] - NEAR_TIE).sum())
        return lat, hits / (10 * len(queries)), near / (10 * len(queries))

    def probe_sweep(self, index, queries, truth, passage_like, truth_passage_like) -> list[dict]:
        """Recall and latency of the engine's IVF index at other shares of lists probed."""
        import faiss

        from qa.retrieval.pipeline import POOL

        ivf = faiss.extract_index_ivf(index)
        sweep = []
        for share in (1 / 32, 1 / 16, 3 / 32, 1 / 8, 3 / 16, 1 / 4):
            ivf.nprobe = max(1, int(round(ivf.nlist * share)))
            lat, rec, near = self.timed_searches(index, queries, truth, POOL)
            _l, rec_pl, _n = self.timed_searches(index, passage_like, truth_passage_like, POOL)
            sweep.append({"nprobe": ivf.nprobe, "share": rnd(share, 4), "recall_at_10": rnd(rec, 4),
                          "near_tie_recall": rnd(near, 4), "recall_at_10_passage_like": rnd(rec_pl, 4),
                          "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3)})
        return sweep

    def ivf_alternative(self, x, queries, truth) -> dict:
        import faiss
        import numpy as np

        from qa.retrieval.pipeline import POOL

        n, d = x.shape
        nlist = 1 << int(round(math.log2(4 * math.sqrt(n))))
        log(f"scale: IVF alternative (nlist {nlist}) over {n} vectors")
        train = x[np.random.default_rng(SEED + 1).choice(n, size=min(n, 40 * nlist), replace=False)]
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        with PeakRSS() as peak:
            t = time.perf_counter()
            index.train(np.ascontiguousarray(train))
            train_s = time.perf_counter() - t
            t = time.perf_counter()
            index.add(np.ascontiguousarray(x))
            add_s = time.perf_counter() - t
        size_mib = rnd(faiss_index_mib(index), 1)
        sweep = []
        for nprobe in (8, 16, 32, 64, 128, 256, 512):
            index.nprobe = nprobe
            lat, rec, near = self.timed_searches(index, queries, truth, POOL)
            sweep.append({"nprobe": nprobe, "recall_at_10": rnd(rec, 4), "near_tie_recall": rnd(near, 4),

                          "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3)})
        del index, quantizer
        gc.collect()
        return {"index_type": "IndexIVFFlat", "nlist": nlist, "train_vectors": len(train),
                "train_s": rnd(train_s, 2), "add_s": rnd(add_s, 2), "build_s": rnd(train_s + add_s, 2),
                "index_mib": size_mib, "index_rss_delta_mib": rnd(peak.end - peak.start, 1),
                "nprobe_sweep": sweep}

    def scale_lexical(self, texts, sizes, lexical_queries, rows) -> None:
        import psutil

        from qa.retrieval.lexical import BM25
        from qa.retrieval.pipeline import POOL, Pipeline
        from qa.retrieval.tokenize import lexical_tokens
        from qa.text import normalize

        interned: dict[str, str] = {}
        tokens: list[list[str]] = []
        tokenize_s = 0.0
        previous_peak = None  # (n, peak delta MiB, build s) of the class build at the previous size
        for row in rows:
            n = row["passages"]
            log(f"scale: lexical index over {n} texts")
            t = time.perf_counter()
            for text in texts[len(tokens):n]:
                tokens.append([interned.setdefault(tok, tok) for tok in lexical_tokens(text)])
            tokenize_s += time.perf_counter() - t
            record: dict = {"tokenize_s": rnd(tokenize_s, 2), "tokens_per_passage": rnd(
                sum(len(x) for x in tokens[:n]) / n, 1)}
            gc.collect()
            # The engine's class, unless it would not fit in memory.
            estimate = previous_peak[1] * n / previous_peak[0] * 1.15 if previous_peak else None
            available = psutil.virtual_memory().available / MIB
            fits = estimate is None or (rss_mib() + estimate < self.args.mem_limit_gib * 1024
                                        and estimate < available - 1536)
            class_index = None
            if fits:
                with PeakRSS() as peak:
                    t = time.perf_counter()
                    class_index = BM25(tokens[:n])
                    build_s = time.perf_counter() - t
                record["class_build_s"] = rnd(build_s, 2)
                record["class_build_peak_delta_mib"] = rnd(peak.peak - peak.start, 1)
                record["class_index_rss_delta_mib"] = rnd(peak.end - peak.start, 1)
                record["class_index_mib"] = rnd(bm25_mib(class_index), 1)
                previous_peak = (n, peak.peak - peak.start, build_s)
            else:
                record["class_build_skipped"] = (f"estimated peak {estimate:.0f} MiB more than now "
                                                 f"({rss_mib():.0f} MiB, {available:.0f} MiB available)")
                record["class_build_s_extrapolated"] = rnd(previous_peak[2] * n / previous_peak[0], 1)
                record["class_build_peak_delta_mib_extrapolated"] = rnd(estimate, 0)
            with PeakRSS() as peak:
                t = time.perf_counter()
                array_index = bm25_arrays(tokens[:n])
                build_s = time.perf_counter() - t
            record["array_build_s"] = rnd(build_s, 2)
            record["array_build_peak_delta_mib"] = rnd(peak.peak - peak.start, 1)
            record["array_index_rss_delta_mib"] = rnd(peak.end - peak.start, 1)
            record["array_index_mib"] = rnd(bm25_mib(array_index), 1)
            record["postings"] = int(sum(len(v[0]) for v in array_index._postings.values()))
            record["vocabulary"] = len(array_index._postings)
            if class_index is not None:
                record["array_build_matches_class"] = same_bm25(class_index, array_index, lexical_queries[:20], POOL)
            searcher = class_index if class_index is not None else array_index
            record["searched_with"] = "BM25 class" if class_index is not None else "BM25 class run() over array-built postings"
            lat = []
            for query in lexical_queries:
                t = time.perf_counter()
                searcher.run(query, POOL)
                lat.append((time.perf_counter() - t) * 1000)
            record["search_ms_p50"] = rnd(med(lat), 3)
            record["search_ms_p95"] = rnd(pct(lat, 95), 3)
            # The answer path's check that the question's names meet in one passage
            # (Pipeline._names_meet), run on a bare Pipeline over this synthetic corpus.
            contexts = [normalize(text) for text in texts[:n]]
            bare = Pipeline.__new__(Pipeline)
            bare.lexical, bare._contexts = searcher, contexts
            bare._docs, bare.documents = ["synthetic.txt"] * n, {}  # one document naming no place
            names_lat = []
            for _ in range(5):
                t = time.perf_counter()
                bare._names_meet(self.names_analysis)
                names_lat.append((time.perf_counter() - t) * 1000)
            record["names_meet_ms"] = rnd(med(names_lat), 2)
            record["names_meet_names"] = [list(name.forms) for name in self.names_analysis.names]
            del class_index, array_index, searcher, bare, contexts
            gc.collect()
            row["lexical"] = record
        del tokens, interned
        gc.collect()

    # -- targets, table, plot -----------------------------------------------------------

    def targets(self) -> list[dict]:
        r = self.results
        out = []

        def add(name, value, target, met, note=""):
            out.append({"target": name, "value": value, "goal": target,
                        "met": None if value is None else bool(met), "note": note})

        w = r.get("warm")
        if w:
            add("warm answer p50 / embed p50", w["ratio_p50"], f"<= {TARGETS['warm_p50_ratio_max']}",
                w["ratio_p50"] <= TARGETS["warm_p50_ratio_max"])
            add("warm answer p50 (ms)", w["ask_ms_p50"], f"< {TARGETS['warm_p50_ms_max']:.0f}",
                w["ask_ms_p50"] < TARGETS["warm_p50_ms_max"], "absolute: depends on machine load")
        c = r.get("cold_start")
        if c:
            add("cold qa ask / cold ST embed", c["ratio"], f"<= {TARGETS['cold_ratio_max']}",
                c["ratio"] <= TARGETS["cold_ratio_max"])
        b = r.get("build", {}).get("in_process")
        if b:
            add("build throughput / model.encode", b["ratio"], f">= {TARGETS['build_ratio_min']}",
                b["ratio"] >= TARGETS["build_ratio_min"], "model loaded in both")
        nb = r.get("noop_rebuild")
        if nb:
            add("no-op qa index (s)", nb["process_s_median"], f"< {TARGETS['noop_s_max']:.0f}, no torch",
                nb["process_s_median"] < TARGETS["noop_s_max"] and not nb["torch_imported"])
        m = r.get("memory")
        if m and "compact" in m:
            value = m["compact"]["peak_rss_all_mib"]
            add("serving peak RSS (MiB)", value, f"< {TARGETS['serve_peak_mib_max']:.0f}",
                value < TARGETS["serve_peak_mib_max"], f"default engine, peak over {m['compact']['questions']} questions")
        if m and m.get("qa_bot"):
            bot = m["qa_bot"]
            add("qa bot process peak RSS (MiB)", bot["peak_rss_mib"], f"< {TARGETS['serve_peak_mib_max']:.0f}",
                bot["peak_rss_mib"] < TARGETS["serve_peak_mib_max"],
                f"{bot['questions']} questions over the fake Bot API")
        s = r.get("scale")
        if s and s["rows"]:
            last = s["rows"][-1]
            size = f"{last['passages']:,}"
            d, lx = last["dense"], last.get("lexical", {})
            add(f"dense search p95 at {size} (ms)", d["search_ms_p95"], f"< {TARGETS['scale_p95_ms_max']:.0f}",
                d["search_ms_p95"] < TARGETS["scale_p95_ms_max"], d["index_type"])
            add(f"recall@10 at {size}", d["recall_at_10"], f">= {TARGETS['scale_recall_min']}",
                d["recall_at_10"] >= TARGETS["scale_recall_min"],
                d["index_type"])
            if lx:
                add(f"lexical search p95 at {size} (ms)", lx["search_ms_p95"],
                    f"< {TARGETS['lexical_p95_ms_max']:.0f}", lx["search_ms_p95"] < TARGETS["lexical_p95_ms_max"])
        return out

    def table(self) -> str:
        r = self.results
        lines = [f"Machine: {describe(r['machine'])}", ""]
        lines += ["| measure | value | goal | met |", "|---|---|---|---|"]
        for t in r["targets"]:
            met = {True: "yes", False: "**no**", None: "-"}[t["met"]]
            note = f" ({t['note']})" if t["note"] else ""
            lines.append(f"| {t['target']}{note} | {t['value']} | {t['goal']} | {met} |")
        lines.append("")
        lines += ["| detail | value |", "|---|---|"]

        def row(name, value):
            if value is not None:
                lines.append(f"| {name} | {value} |")

        w = r.get("warm", {})
        if w:
            row("warm: questions", w["questions"])
            row("warm: answer ms p50 / p95", f"{w['ask_ms_p50']} / {w['ask_ms_p95']}")
            row("warm: embed question alone ms p50 / p95", f"{w['embed_ms_p50']} / {w['embed_ms_p95']}")
            row("warm: answer/embed ratio p95", w["ratio_p95"])
            row("warm: embed of the expanded dense text ms p50", w["embed_dense_text_ms_p50"])
            row("warm: answer minus embed(dense text), ms p50", w["non_model_ms_p50"])
            row("warm: sentence-transformers fp32 embed ms p50 (compact encoder's speed-up)",
                f"{w['embed_st_ms_p50']} ({w['compact_vs_st_embed_speedup_p50']}x)")
            row("warm: sentence-transformers bf16 embed ms p50 (speed-up vs ST fp32; what-if)",
                f"{w['embed_bf16_ms_p50']} ({w['bf16_embed_speedup_p50']}x)")
        c = r.get("cold_start", {})
        if c:
            row("cold: qa ask s / ST embed-one s (peak MiB)", f"{c['qa_ask_s']} / {c['st_baseline_s']} "
                f"({c['qa_ask_peak_rss_mib']} / {c['st_baseline_peak_rss_mib']})")
            row("cold: qa ask with QA_COMPACT_QUERY_ENCODER=0 s (ratio; peak MiB)",
                f"{c['qa_ask_st_s']} ({c['ratio_st_mode']}; {c['qa_ask_st_peak_rss_mib']})")
            row("cold: phases s", ", ".join(f"{k}={v}" for k, v in c["phases_s"].items()))
            row("cold: phases s, sentence-transformers mode", ", ".join(f"{k}={v}" for k, v in c["phases_st_mode_s"].items()))
            row("cold: sentence-transformers imported (default / ST mode)",
                f"{c['sentence_transformers_imported']} / {c['sentence_transformers_imported_st_mode']}")
        mp = r.get("model_prep")
        if mp:
            row("model preparation (once) s", f"{mp['seconds']} (process {mp['process_s']}, peak {mp['peak_rss_mib']} MiB)")
        b = r.get("build", {})
        if b:
            p = b["process"]
            row("build: qa index --rebuild process s / passages", f"{p['process_s']} / {p['passages']} "
                f"(peak RSS {p['peak_rss_mib']} MiB)")
            row("build: process phases s", ", ".join(f"{k}={v}" for k, v in p["phases_s"].items()))
            if "process_ratio" in p:
                row("build: process ratio vs load+encode process", p["process_ratio"])
            ip = b.get("in_process")
            if ip:
                row("build in process s / encode s", f"{ip['build_s']} / {ip['encode_s']}")
                row("build in process phases s (median)", ", ".join(f"{k}={v}" for k, v in ip["phases_s_median"].items()))
                row("build ratio without gazetteer derivation", ip["ratio_without_gazetteer"])
                row("derivation split s (median)", ", ".join(f"{k}={v}" for k, v in ip["derive_split_s_median"].items()))
                row("build: CC-CEDICT in the build s (cached read) / parsed afresh s",
                    f"{ip['corpus_independent_derive_s']} / {ip['dictionary_parse_uncached_s']}")
                row("build ratio without the CC-CEDICT read", ip["ratio_without_dictionary"])
                row("build ratio per repetition", ", ".join(str(x) for x in ip["ratio_per_rep"]))
                lc = ip.get("larger_corpus")
                if lc:
                    row(f"build ratio at {lc['passages']} passages (corpus x4)",
                        f"{lc['ratio']} (build {lc['build_s']} s, encode {lc['encode_s']} s, derive {lc['derive_s']} s)")
        nb = r.get("noop_rebuild")
        if nb:
            row("no-op: torch imported", nb["torch_imported"])
        m = r.get("memory", {})
        for name, label in (("compact", "compact (default)"), ("sentence-transformers", "sentence-transformers mode")):
            rec = m.get(name)
            if not rec:
                continue
            e = rec["evaluation"]
            same = rec.get("same_as_compact") or rec.get("same_as_warm")
            versus = "default" if "same_as_compact" in rec else "warm section"
            extra = "" if not same else (
                f"; vs {versus}: same answer {same['same_answer_text']}/{same['compared']}, same citations "
                f"{same['same_citations']}/{same['compared']}")
            row(f"memory: {label} peak MiB after {m['early_n']} / {rec['questions']} q; ask p50 ms",
                f"{rec['peak_rss_early_mib']} / {rec['peak_rss_all_mib']}; {rec['ask_ms_p50']}; correct "
                f"{e['answer_correct']}, hit@1 {e['hit_at_1']}{extra}")
            row(f"memory: {label} RSS MiB step by step (growth after {m['early_n']} q: "
                f"{rec['rss_growth_after_early_mib']})",
                ", ".join(f"{step}: {value}" for step, value in rec["rss_steps_mib"]))
        if m and m.get("qa_bot"):
            bot = m["qa_bot"]
            row("memory: qa bot process VmRSS/VmHWM MiB", ", ".join(
                f"{step}: {v['VmRSS']}/{v['VmHWM']}" for step, v in bot["status_mib"].items()))
            row("memory: qa bot reply ms p50 / p95 (question sent -> reply received)",
                f"{bot['reply_ms_p50']} / {bot['reply_ms_p95']}")
        if w:
            e = w["evaluation_fp32"]
            row("evaluation, warm section (default engine)", f"correct {e['answer_correct']}/{e['answerable']}, "
                f"hit@1 {e['hit_at_1']}, abstained {e['abstained_correctly']}/{e['unanswerable']}")
        s = r.get("scale")
        if s:
            lines += ["", "| passages | index | build s | index MiB (RAM / disk) | search ms p50 / p95 | recall@10 "
                      "(near-tie; passage-like queries) | exact ms p50 | BM25 build s | BM25 MiB | BM25 ms p50 / p95 "
                      "| names-meet check ms |",
                      "|---|---|---|---|---|---|---|---|---|---|---|"]
            for rr in s["rows"]:
                d, lx = rr["dense"], rr.get("lexical", {})
                build = d["build_s"]
                bm_build = lx.get("class_build_s", f"~{lx.get('class_build_s_extrapolated')} (est.)")
                bm_mem = lx.get("class_index_mib", f"{lx.get('array_index_mib')} (arrays)")
                lines.append(
                    f"| {rr['passages']:,} | {d['index_type']} | {build} | {d['index_mib']} / {d['disk_mib']} | "
                    f"{d['search_ms_p50']} / {d['search_ms_p95']} | {d['recall_at_10']} ({d.get('near_tie_recall')}; "
                    f"{d.get('recall_at_10_passage_like')}) | "
                    f"{d['exact_search_ms_p50']} | "
                    f"{bm_build} | {bm_mem} | {lx.get('search_ms_p50')} / {lx.get('search_ms_p95')} | "
                    f"{lx.get('names_meet_ms')} |")
            milvus = [rr for rr in s["rows"] if rr.get("milvus")]
            if milvus:
                lines += ["", "Milvus Lite in the same run (--milvus; same vectors and queries, k = 50):", "",
                          "| passages | store / index | build s (insert + index) | RSS delta MiB (peak) | disk MiB "
                          "| search ms p50 / p95 | FAISS ms p50 / p95 | recall@10 (near-tie) | FAISS recall@10 |",
                          "|---|---|---|---|---|---|---|---|---|"]
                for rr in milvus:
                    m, d = rr["milvus"], rr["dense"]
                    lines.append(
                        f"| {rr['passages']:,} | {m['store']} {m['index_type']} {m['index_params'] or ''} "
                        f"nprobe {m['nprobe']} | {m['build_s']} ({m['insert_s']} + {m['index_s']}) | "
                        f"{m['rss_delta_mib']} ({m['build_peak_rss_delta_mib']}) | {m['disk_mib']} | "
                        f"{m['search_ms_p50']} / {m['search_ms_p95']} | {d['search_ms_p50']} / {d['search_ms_p95']} | "
                        f"{m['recall_at_10']} ({m['near_tie_recall']}) | {d['recall_at_10']} |")
            for rr in s["rows"]:
                d = rr["dense"]
                if d.get("probe_sweep"):
                    sweep = ", ".join(f"nprobe {e['nprobe']}: R@10 {e['recall_at_10']} (near-tie "
                                      f"{e['near_tie_recall']}, passage-like {e['recall_at_10_passage_like']}) "
                                      f"p95 {e['search_ms_p95']} ms" for e in d["probe_sweep"])
                    lines += ["", f"Lists probed at {rr['passages']:,} ({d['index_type']}, nlist {d['ivf']['nlist']}, "
                              f"engine default nprobe {d['ivf']['nprobe']}, k_factor {d['ivf']['k_factor']}): {sweep}"]
                if d.get("ivf_alternative"):
                    ivf = d["ivf_alternative"]
                    sweep = ", ".join(f"nprobe {e['nprobe']}: R@10 {e['recall_at_10']} (near-tie "
                                      f"{e['near_tie_recall']}) p95 {e['search_ms_p95']} ms" for e in ivf["nprobe_sweep"])
                    lines += ["", f"IVF alternative at {rr['passages']:,} (IVFFlat nlist {ivf['nlist']}, build "
                              f"{ivf['build_s']} s, {ivf['index_mib']} MiB): {sweep}"]
        return "\n".join(lines) + "\n"

    def plot(self, path: Path) -> None:
        try:
            import matplotlib
        except ImportError:
            log("matplotlib is not installed (pip install -e '.[plot]'): no scale.png")
            return

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        s = self.results.get("scale")
        if not s:
            return
        rows = s["rows"]
        if not all("lexical" in r for r in rows):  # --no-lexical: no figure
            return
        n = [r["passages"] for r in rows]
        floor = lambda values: [None if v is None else max(v, 1e-3) for v in values]  # noqa: E731 (log axes)
        fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
        ax = axes[0]
        ax.plot(n, [r["dense"]["search_ms_p50"] for r in rows], "o-", label="dense index p50")
        ax.plot(n, [r["dense"]["search_ms_p95"] for r in rows], "o--", label="dense index p95")
        ax.plot(n, [r["dense"]["exact_search_ms_p50"] for r in rows], "s:", label="exact (flat) p50")
        ax.plot(n, [r["lexical"]["search_ms_p50"] for r in rows], "^-", label="BM25 p50")
        ax.plot(n, [r["lexical"]["search_ms_p95"] for r in rows], "^--", label="BM25 p95")
        ax.axhline(TARGETS["scale_p95_ms_max"], color="grey", lw=0.8, ls=":")
        ax.axhline(TARGETS["lexical_p95_ms_max"], color="grey", lw=0.8, ls="-.")
        for r in rows:
            ax.annotate(f"{r['dense']['index_type'].replace('Index', '')}\nR@10={r['dense']['recall_at_10']}",
                        (r["passages"], r["dense"]["search_ms_p95"]), fontsize=7, textcoords="offset points",
                        xytext=(4, 6))
        ax.set(xscale="log", yscale="log", xlabel="passages", ylabel="ms per question",
               title="search latency (targets: 10 ms dense, 50 ms BM25 p95)")
        ax.legend(fontsize=7)
        ax = axes[1]
        ax.plot(n, [r["dense"]["index_mib"] for r in rows], "o-", label="dense index in RAM")
        ax.plot(n, [r["dense"]["disk_mib"] for r in rows], "o--", label="dense index on disk")
        ax.plot(n, [r["dense"]["vectors_array_mib"] for r in rows], "x:", label="vectors.npy array (also loaded)")
        ax.plot(n, [r["lexical"].get("class_index_mib") for r in rows], "^-", label="BM25 (class) in RAM")
        ax.plot(n, [r["lexical"]["array_index_mib"] for r in rows], "^--", label="BM25 (array-built) in RAM")
        ax.plot(n, [r["lexical"].get("class_build_peak_delta_mib") or r["lexical"].get(
            "class_build_peak_delta_mib_extrapolated") for r in rows], "v:", label="BM25 class build peak (est. if skipped)")
        ax.set(xscale="log", yscale="log", xlabel="passages", ylabel="MiB", title="memory")
        ax.legend(fontsize=7)
        ax = axes[2]
        ax.plot(n, floor([r["dense"]["build_s"] for r in rows]), "o-", label="dense index build (1 ms floor)")
        ax.plot(n, [r["lexical"].get("class_build_s") or r["lexical"].get("class_build_s_extrapolated") for r in rows],
                "^-", label="BM25 class build (est. if skipped)")
        ax.plot(n, [r["lexical"]["array_build_s"] for r in rows], "^--", label="BM25 array build")
        ax.plot(n, [r["lexical"]["tokenize_s"] for r in rows], "x:", label="tokenising texts")
        ax.set(xscale="log", yscale="log", xlabel="passages", ylabel="seconds", title="build time")
        ax.legend(fontsize=7)
        fig.suptitle("report-qa scale benchmark (synthetic corpora)\n" + describe(self.results["machine"]), fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    # -- driver -------------------------------------------------------------------------

    def run(self) -> int:
        started = time.perf_counter()
        self.results["machine"] = machine_info()
        self.results["config"] = {"quick": self.quick, "sizes": self.args.sizes, "questions": None,
                                  "exact_max": self.args.exact_max,
                                  "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        try:
            self.setup()
            self.results["config"]["questions"] = len(self.questions)
            sections = self.args.sections
            if "prep" in sections:
                self.model_prep()
            self.build_process()  # also builds the index every later step uses
            if "noop" in sections:
                self.noop()
            if "cold" in sections:
                self.cold_start()
            self.load_engine()
            if "warm" in sections:
                self.warm()
            else:
                self.warm_answers = []
            if "build" in sections:
                self.build_in_process()
            if "profile" in sections:
                self.profile()
            if "memory" in sections:
                self.memory()
            if "scale" in sections:
                seeds = self.scale_seeds()
                self.engine = None
                gc.collect()
                self.scale(seeds)
        finally:
            if not self.args.keep:
                shutil.rmtree(self.work, ignore_errors=True)
        self.results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        self.results["config"]["seconds"] = rnd(time.perf_counter() - started, 1)
        self.results["targets"] = self.targets()
        self.out.mkdir(parents=True, exist_ok=True)
        table = self.table()
        (self.out / "table.md").write_text(table, encoding="utf-8")
        (self.out / "results.json").write_text(json.dumps(self.results, indent=1, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        self.plot(self.out / "scale.png")
        print(table)
        log(f"wrote {self.out / 'results.json'}, {self.out / 'scale.png'}, {self.out / 'table.md'} "
            f"in {time.perf_counter() - started:.0f} s")
        return 0


# ======================================================================= synthetic data


def store_nprobe(record: dict) -> int | None:
    from qa.vectorstores.milvus_store import IVF_NPROBE

    return IVF_NPROBE if record.get("index_type") == "IVF_FLAT" else None


def make_copies(source: Path, target: Path, copies: int) -> None:
    """``copies`` copies of every document, each paragraph and caption of copy i starting with a
    marker, so that no passage text repeats (a repeated text would be embedded only once)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i in range(1, copies + 1):
            marked = [f"（第{i}份）{line}" if len(line.strip()) > 20 or line.rstrip().endswith("。") else line
                      for line in lines]
            (target / f"{path.stem}-{i}{path.suffix}").write_text("\n".join(marked) + "\n", encoding="utf-8")


def mix_vectors(base, n: int, rng, noise: float = 0.02, chunk: int = 50_000):
    """n convex mixtures of 2-3 rows of ``base`` + Gaussian noise, renormalised (float32)."""
    import numpy as np

    d = base.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        parts = rng.integers(2, 4, size=m)
        picks = _distinct_triples(len(base), m, rng)
        weights = rng.dirichlet(np.ones(3), size=m).astype(np.float32)
        weights[parts == 2, 2] = 0.0
        weights /= weights.sum(axis=1, keepdims=True)
        block = np.einsum("mk,mkd->md", weights, base[picks])
        block += rng.standard_normal((m, d), dtype=np.float32) * np.float32(noise)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + m] = block
    return out


def _distinct_triples(size: int, m: int, rng):
    import numpy as np

    picks = rng.integers(0, size, size=(m, 3))
    while True:
        bad = (picks[:, 0] == picks[:, 1]) | (picks[:, 0] == picks[:, 2]) | (picks[:, 1] == picks[:, 2])
        if not bad.any():
            return picks
        picks[bad] = rng.integers(0, size, size=(int(bad.sum()), 3))


def mix_texts(texts: list[str], n: int, rng) -> list[str]:
    """n texts, each pieces of 2-3 real passages, lengths in proportion to Dirichlet weights."""
    import numpy as np

    out = []
    lengths = np.array([len(t) for t in texts])
    block = 100_000
    for start in range(0, n, block):
        m = min(block, n - start)
        parts = rng.integers(2, 4, size=m)
        picks = _distinct_triples(len(texts), m, rng)
        weights = rng.dirichlet(np.ones(3), size=m)
        weights[parts == 2, 2] = 0.0
        weights /= weights.sum(axis=1, keepdims=True)
        piece = np.maximum(1, np.round(weights * lengths[picks])).astype(int)
        offsets = (rng.random((m, 3)) * (lengths[picks] - piece + 1)).astype(int)
        for i in range(m):
            out.append("\n".join(texts[picks[i, j]][offsets[i, j]:offsets[i, j] + piece[i, j]]
                                 for j in range(parts[i])))
    return out


def bm25_arrays(documents: list[list[str]]):
    """The same postings as ``qa.retrieval.lexical.BM25(documents)``, built with numpy sorts
    instead of per-token Python lists (what the engine change recommended in the README does).
    Returns a BM25 object whose ``run`` is the engine's own."""
    import numpy as np

    from qa.retrieval.lexical import BM25, BM25_B, BM25_K1

    k1, b = BM25_K1, BM25_B
    vocabulary: dict[str, int] = {}
    lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
    ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for d in documents for t in d),
                      dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
    keys = ids * len(documents) + rows
    del ids, rows
    keys, tf = np.unique(keys, return_counts=True)
    token_of = keys // len(documents)
    row_of = keys - token_of * len(documents)
    del keys
    bounds = np.flatnonzero(np.diff(token_of)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(token_of)]])
    size = len(documents)
    length32 = lengths.astype(np.float32)
    average = float(length32.mean()) if size else 0.0
    norm = k1 * (1 - b + b * length32 / max(average, 1e-9))
    tf32 = tf.astype(np.float32)
    contribution = (tf32 * (k1 + 1) / (tf32 + norm[row_of])).astype(np.float32)
    del tf, tf32
    names = [None] * len(vocabulary)
    for token, index in vocabulary.items():
        names[index] = token
    index = BM25.__new__(BM25)
    index.k1, index.b, index.size, index.average_length = k1, b, size, average
    index._postings = {}
    for s, e in zip(starts.tolist(), ends.tolist()):
        df = e - s
        idf = math.log(1 + (size - df + 0.5) / (df + 0.5))
        index._postings[names[token_of[s]]] = (row_of[s:e], contribution[s:e], idf)
    return index


def same_bm25(a, b, queries, k) -> bool:
    import numpy as np

    if a._postings.keys() != b._postings.keys():
        return False
    for token, (rows, contribution, idf) in a._postings.items():
        rows_b, contribution_b, idf_b = b._postings[token]
        if not (np.array_equal(rows, rows_b) and np.allclose(contribution, contribution_b, rtol=1e-6) and
                math.isclose(idf, idf_b)):
            return False
    return all([r for r, _ in a.run(q, k)] == [r for r, _ in b.run(q, k)] for q in queries)


# ============================================================================== the CLI


ALL_SECTIONS = ["prep", "noop", "cold", "warm", "build", "profile", "memory", "scale"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="report-qa benchmarks (see benchmarks/README.md)")
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer repetitions (smoke test)")
    parser.add_argument("--out", default=str(HERE), help="folder for results.json, scale.png, table.md")
    parser.add_argument("--sizes", help="comma-separated synthetic corpus sizes (default 10000,100000,1000000; "
                                        "--quick: 2000,10000)")
    parser.add_argument("--questions", type=int, help="use only the first N questions of the set")
    parser.add_argument("--exact-max", type=int, help="exact search up to this many vectors "
                                                      "(default: qa.vector_index.EXACT_SEARCH_MAX)")
    parser.add_argument("--no-ivf", action="store_true", help="skip the IVF alternative at sizes above exact-max")
    parser.add_argument("--mem-limit-gib", type=float, default=11.0,
                        help="skip builds whose estimated peak would take the process above this")
    parser.add_argument("--sections", default=",".join(ALL_SECTIONS),
                        help=f"comma-separated subset of {','.join(ALL_SECTIONS)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--milvus", action="store_true",
                        help="scale section: also the Milvus Lite store (needs report-qa[milvus]; minutes at 1M)")
    parser.add_argument("--no-lexical", action="store_true", help="scale section: dense indexes only")
    parser.add_argument("--milvus-min", type=int, default=100_000,
                        help="with --milvus: only at sizes of at least this many passages")
    args = parser.parse_args(argv)
    default_sizes = "2000,10000" if args.quick else "10000,100000,1000000"
    args.sizes = sorted(int(float(s)) for s in (args.sizes or default_sizes).split(","))
    if args.exact_max is None:
        from qa.vector_index import EXACT_SEARCH_MAX

        args.exact_max = EXACT_SEARCH_MAX
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return child_main(argv[1], argv[2])
    for key, value in CHILD_ENV.items():
        os.environ.setdefault(key, value)
    return Bench(parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
