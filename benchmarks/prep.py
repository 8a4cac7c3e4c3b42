"""Section ``prep``: preparing the bundled model once, into an empty cache, in its own process."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.harness import Context, checked, child_cmd, last_json, log, rnd, run_measured


def prepare_into(payload: dict) -> dict:
    """Child: prepare the model into the payload's cache folder."""
    from qa.embedding.model_prep import prepare_model

    started = time.perf_counter()
    prepare_model(Path(payload["cache"]))
    return {"seconds": time.perf_counter() - started}


def run(ctx: Context) -> None:
    ctx.mark("model_prep")
    log("model preparation (once, into an empty cache)")
    empty_cache = ctx.work / "prep-cache"
    process = checked(run_measured(child_cmd(prepare_into, {"cache": str(empty_cache)}), env=ctx.env), "model prep")
    inner = last_json(process["stdout"])
    shutil.rmtree(empty_cache, ignore_errors=True)
    ctx.results["model_prep"] = {"seconds": rnd(inner["seconds"]), "process_s": rnd(process["wall_s"]),
                                 "peak_rss_mib": rnd(process["peak_rss_mib"], 1)}
