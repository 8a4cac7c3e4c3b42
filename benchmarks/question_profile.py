"""Section ``profile``: where the time of one question goes, step by step over the first
questions (timers around the pipeline's steps), and cProfile of one English and one Chinese
question. (Not named ``profile.py``: cProfile imports the standard library's ``profile``.)"""

from __future__ import annotations

import cProfile
import io
import pstats
import time

from benchmarks.harness import HAN, Context, PhaseTimes, log, med, rnd


def run(ctx: Context) -> None:
    ctx.mark("profile")
    log("profile: where the time of one question goes")
    n = min(len(ctx.questions), 4 if ctx.quick else 60)
    breakdown = step_breakdown(ctx.engine, ctx.questions[:n])
    profiles = {question: cprofile_top(ctx.engine, question) for question in one_per_language(ctx.questions)}
    ctx.results["profile"] = {"questions": n, "breakdown": breakdown, "cprofile_top_cumulative": profiles}


def timed_steps(engine) -> list[tuple]:
    """(object, method, label) of the steps timed in one answer."""
    pipeline = engine._pipeline
    return [
        (pipeline.analyzer, "run", "analyse question (names, terms, translation)"),
        (engine.embedder, "encode_queries", "embed question (model)"),
        (pipeline.dense, "run", "dense search (faiss)"),
        (pipeline.lexical, "run", "lexical search (BM25)"),
        (pipeline, "_score", "re-score candidates"),
        (pipeline, "_names_meet", "names-meet scan"),
        (engine._answers, "run", "build answer"),
    ]


def step_breakdown(engine, questions: list[str]) -> dict:
    """Mean and median milliseconds of each step over the questions, and its share of the total."""
    spent: dict[str, list[float]] = {}
    current = PhaseTimes(unit=1000)
    steps = timed_steps(engine)
    for obj, attr, label in steps:
        setattr(obj, attr, current.wrap(label, getattr(obj, attr)))
    try:
        for question in questions:
            current.clear()
            t = time.perf_counter()
            engine.ask(question)
            total = (time.perf_counter() - t) * 1000
            current["other (fusion, sorting, locks)"] = total - sum(current.values())
            current["total"] = total
            for key, value in current.items():
                spent.setdefault(key, []).append(value)
    finally:
        for obj, attr, _label in steps:
            delattr(obj, attr)
    breakdown = {k: {"ms_mean": rnd(sum(v) / len(v), 2), "ms_p50": rnd(med(v), 2)} for k, v in spent.items()}
    total_mean = sum(spent["total"]) / len(spent["total"])
    for v in breakdown.values():
        v["share"] = rnd(v["ms_mean"] / total_mean, 3)
    return breakdown


def cprofile_top(engine, question: str) -> list[dict]:
    """The 25 functions of most cumulative time in one answer."""
    profiler = cProfile.Profile()
    profiler.runcall(engine.ask, question)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    stats.sort_stats("cumulative")
    rows = []
    for func, (_cc, nc, tt, ct, _callers) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3])[:25]:
        filename, line, name = func
        short = filename.split("site-packages/")[-1].split("/src/")[-1]
        rows.append({"function": f"{short}:{line}({name})", "calls": nc, "tottime_ms": rnd(tt * 1000, 2),
                     "cumtime_ms": rnd(ct * 1000, 2)})
    return rows


def one_per_language(questions: list[str]) -> list[str]:
    zh = next((q for q in questions if HAN.search(q)), None)
    en = next((q for q in questions if not HAN.search(q)), None)
    return [q for q in (en, zh) if q]
