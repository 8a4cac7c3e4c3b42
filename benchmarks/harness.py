"""Shared measurement: logging, percentiles, resident memory, the machine, measured child
processes, and the context every section reads and writes.

A measured child is ``run.py _child MODULE:FUNCTION JSON``: it imports the section's module,
calls the function with the payload and prints the result as its last JSON line; its own
peak RSS (VmHWM) is written to a file at exit (see ``run_measured``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUN_SCRIPT = HERE / "run.py"
QUESTIONS = ROOT / "questions" / "three-gorges.jsonl"
CORPUS = ROOT / "corpus"
MIB = 1024 * 1024
HAN = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character: tells a question's language

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


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def load_question_texts(limit: int | None = None) -> list[str]:
    texts = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    return texts[:limit] if limit else texts


class PhaseTimes(dict):
    """Time spent in named calls, added up per name: ``wrap(name, fn)`` is ``fn`` timed.
    ``unit`` scales the seconds (1000: milliseconds)."""

    def __init__(self, unit: float = 1.0):
        super().__init__()
        self.unit = unit

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self[name] = self.get(name, 0.0) + (time.perf_counter() - started) * self.unit
        return timed


# ================================================================================= memory


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


# ================================================================================ machine


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
        load = load_average()
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


# ======================================================================= child processes


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
    "from qa.cli.main import main\n"
    "sys.exit(main())\n"
)


def qa_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", QA_MAIN, *args]


def child_cmd(function, payload: dict) -> list[str]:
    """The command that runs ``function(payload)`` (a module-level function of a section
    module) in a fresh process; see ``child_main``."""
    target = f"{function.__module__}:{function.__name__}"
    return [sys.executable, str(RUN_SCRIPT), "_child", target, json.dumps(payload)]


def child_main(target: str, payload_json: str) -> int:
    """In the child: run ``MODULE:FUNCTION`` on the payload, print its result as a JSON line."""
    import atexit

    atexit.register(_report_hwm)
    for key, value in CHILD_ENV.items():
        os.environ.setdefault(key, value)
    module_name, function_name = target.split(":", 1)
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(json.loads(payload_json))
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def _report_hwm() -> None:
    target = os.environ.get("BENCH_HWM_FILE")
    value = hwm_mib()
    if target and value is not None:
        Path(target).write_text(str(value))


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


def qa_main_captured(argv: list[str]) -> tuple[int, str]:
    """In a child: ``qa.cli.main.main(argv)`` in this process; its exit code and what it printed."""
    from qa.cli.main import main

    out = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, out
    try:
        rc = main(argv)
    finally:
        sys.stdout = real_stdout
    return rc, out.getvalue()


def child_engine(payload: dict):
    """In a child: an Engine on the benchmark's copies, in the mode the payload names: the
    compact question encoder (the default) or, with ``compact: false``, questions through
    sentence-transformers."""
    import dataclasses

    from qa.config import Settings
    from qa.engine import Engine

    settings = Settings.load(corpus=payload["corpus"], index=payload["index"], cache_dir=payload["cache"], env={})
    return Engine(dataclasses.replace(settings, compact_query_encoder=bool(payload.get("compact", True))))


# ================================================================================ context


class Context:
    """What the sections share: the options, the work folder (a copy of ``corpus/`` and its
    index), the prepared model, the questions, the engine loaded in this process, and the
    results dictionary that becomes ``results.json``."""

    def __init__(self, args, results: dict):
        self.args = args
        self.quick = args.quick
        self.results = results
        self.work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
        self.corpus = self.work / "corpus"
        self.index = self.work / "index"
        self.engine = None
        self.warm_answers: list[dict] = []  # the warm section's answers, if it ran

    def setup(self) -> None:
        from qa.config import Settings
        from qa.embedding.model_prep import prepare_model

        shutil.copytree(CORPUS, self.corpus)
        self.cache = Settings.load(env=os.environ).cache_dir
        self.model_path = str(prepare_model(self.cache))  # not timed: the timed one is the prep section
        self.env = {"QA_CACHE_DIR": str(self.cache)}
        self.payload = {"corpus": str(self.corpus), "index": str(self.index), "cache": str(self.cache)}
        n = self.args.questions or (8 if self.quick else None)
        self.questions = load_question_texts(n)

    def settings(self, corpus: Path | None = None, index: Path | None = None):
        from qa.config import Settings

        return Settings.load(corpus=corpus or self.corpus, index=index or self.index, cache_dir=self.cache, env={})

    def load_engine(self) -> None:
        from qa.engine import Engine

        log("loading the engine in this process")
        self.engine = Engine(self.settings(), log_fn=lambda m: None)
        self.engine.load()
        self.engine.ask("warm-up question for latency measurement")
        self.engine.embedder.encode_queries(["warm-up"])

    def mark(self, section: str) -> None:
        """Note the load average as each section starts: absolute times depend on it."""
        self.results.setdefault("load_average_by_section", {})[section] = load_average()

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full

    def remove_work(self) -> None:
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)
