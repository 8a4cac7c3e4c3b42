"""Section ``noop``: ``qa index`` with nothing changed, as whole processes, and which heavy
modules such a run imports."""

from __future__ import annotations

import sys

from benchmarks.harness import (Context, checked, child_cmd, last_json, log, med, qa_cmd, qa_main_captured, rnd,
                                run_measured)

HEAVY_MODULES = ["torch", "sentence_transformers", "transformers", "faiss", "jieba", "numpy"]


def index_unchanged(payload: dict) -> dict:
    """Child: `qa index --json` through qa.cli.main.main; which heavy modules it imported."""
    rc, printed = qa_main_captured(["index", "--json", "--corpus", payload["corpus"], "--index", payload["index"]])
    return {"rc": rc, "summary": last_json(printed), "imported": {m: m in sys.modules for m in HEAVY_MODULES}}


def run(ctx: Context) -> None:
    ctx.mark("noop")
    log("no-op rebuild: qa index with nothing changed")
    walls = []
    for _ in range(ctx.reps(5, 2)):
        process = checked(run_measured(qa_cmd("index", "--json", "--corpus", str(ctx.corpus), "--index", str(ctx.index)),
                                       env=ctx.env), "qa index (no-op)")
        summary = last_json(process["stdout"])
        walls.append((process["wall_s"], process["peak_rss_mib"], summary.get("unchanged")))
    check = checked(run_measured(child_cmd(index_unchanged, ctx.payload), env=ctx.env), "no-op check")
    inner = last_json(check["stdout"])
    ctx.results["noop_rebuild"] = {
        "process_s_median": rnd(med([w[0] for w in walls])), "process_s_all": [rnd(w[0]) for w in walls],
        "peak_rss_mib": rnd(max(w[1] for w in walls), 1), "unchanged": all(w[2] for w in walls),
        "imported": inner["imported"], "torch_imported": inner["imported"]["torch"],
    }
