"""Section ``cold``: a cold ``qa ask`` process against the issue's baseline, a process that
imports sentence-transformers, loads the model and embeds one string; and where the time of a
cold answer goes, in each question mode."""

from __future__ import annotations

import sys
import time

from benchmarks.harness import (Context, checked, child_cmd, child_engine, last_json, log, med, qa_cmd, rnd,
                                run_measured)


def st_embed_one(payload: dict) -> dict:
    """Child, the cold-start baseline: import sentence-transformers, load the model, embed one string."""
    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(payload["model"], device="cpu")
    model.encode([payload["text"]], prompt_name="query", normalize_embeddings=True, show_progress_bar=False)
    return {"seconds": time.perf_counter() - started}


def cold_phases(payload: dict) -> dict:
    """Child: where a cold answer's time goes (same steps as `qa ask`)."""
    t0 = time.perf_counter()
    from qa.engine import Engine  # noqa: F401 (timed: the import of the engine itself)

    t1 = time.perf_counter()
    engine = child_engine(payload)
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


def run(ctx: Context) -> None:
    """`qa ask` (default: compact question encoder) vs the issue's baseline, a process that
    imports sentence-transformers, loads the model and embeds one string; also `qa ask` with
    QA_COMPACT_QUERY_ENCODER=0 (questions through sentence-transformers), with its own ratio."""
    ctx.mark("cold")
    log("cold start: qa ask (both modes) vs import sentence-transformers + load + embed one string")
    question = ctx.questions[0]
    runs = interleaved_processes(ctx, question)
    record = {"question": question, "reps": len(runs)}
    for variant in runs[0]:
        record[f"{variant}_s"] = rnd(med([e[variant]["wall_s"] for e in runs]))
        record[f"{variant}_peak_rss_mib"] = rnd(med([e[variant]["peak_rss_mib"] for e in runs]), 1)
    record["ratio"] = rnd(med([e["qa_ask"]["wall_s"] / e["st_baseline"]["wall_s"] for e in runs]))
    record["ratio_st_mode"] = rnd(med([e["qa_ask_st"]["wall_s"] / e["st_baseline"]["wall_s"] for e in runs]))
    for suffix, compact in (("", True), ("_st_mode", False)):
        payload = {**ctx.payload, "question": question, "compact": compact}
        process = checked(run_measured(child_cmd(cold_phases, payload), env=ctx.env),
                          f"cold phases ({'compact' if compact else 'sentence-transformers'})")
        inner = last_json(process["stdout"])
        record[f"phases{suffix}_s"] = {k: rnd(v) for k, v in inner.items() if k.endswith("_s")}
        record[f"sentence_transformers_imported{suffix}"] = inner["sentence_transformers_imported"]
    ctx.results["cold_start"] = record


def interleaved_processes(ctx: Context, question: str) -> list[dict]:
    """The three processes in rotation (each repetition starts one later), 3 times (once in
    a quick run): wall time and peak RSS of each, by variant, in the variants' order."""
    ask = qa_cmd("ask", "--json", "--corpus", str(ctx.corpus), "--index", str(ctx.index), question)
    commands = {
        "qa_ask": (ask, {"QA_COMPACT_QUERY_ENCODER": "1"}),
        "st_baseline": (child_cmd(st_embed_one, {"model": ctx.model_path, "text": question}), {}),
        "qa_ask_st": (ask, {"QA_COMPACT_QUERY_ENCODER": "0"}),
    }
    variants = list(commands)
    runs = []
    for rep in range(ctx.reps(3)):
        order = variants[rep % len(variants):] + variants[:rep % len(variants)]
        entry = {}
        for variant in order:
            cmd, env = commands[variant]
            process = checked(run_measured(cmd, env={**ctx.env, **env}), variant)
            entry[variant] = {"wall_s": process["wall_s"], "peak_rss_mib": process["peak_rss_mib"]}
        runs.append({variant: entry[variant] for variant in variants})
    return runs
