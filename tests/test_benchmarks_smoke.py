"""Smoke test of the benchmarks: the quick run finishes and writes its files.

Benchmarks are not unit tests: the figures come from a full run (see benchmarks/README.md).
This only checks that ``benchmarks/run.py --quick`` runs end to end at a small size and that
``results.json`` and ``scale.png`` hold what the README describes. ``--out`` keeps it from
overwriting the committed results; ``--exact-max 5000`` makes the 10k step use the IVF (large-corpus)
index, so that code path runs too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"


def test_quick_benchmark_writes_results_and_plot(tmp_path):
    out = tmp_path / "bench"
    committed = ROOT / "benchmarks" / "results.json"
    before = committed.stat().st_mtime_ns if committed.exists() else None
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--questions", "6", "--exact-max", "5000", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "| measure | value | goal | met |" in proc.stdout

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    for key in ("machine", "config", "model_prep", "build", "noop_rebuild", "cold_start", "warm",
                "profile", "memory", "scale", "targets"):
        assert key in results, key
    machine = results["machine"]
    for key in ("cpu_model", "logical_cores", "memory_gib", "python", "torch"):
        assert machine[key], key

    warm = results["warm"]
    assert warm["questions"] == 6
    assert warm["vectors_encoded_per_ask"] == [1]  # every question is embedded: no cached vectors
    assert warm["ask_ms_p50"] > 0 and warm["embed_ms_p50"] > 0 and warm["ratio_p50"] > 0

    assert results["cold_start"]["ratio"] > 0
    assert results["model_prep"]["seconds"] > 0
    build = results["build"]
    assert build["process"]["passages"] > 0 and build["process"]["peak_rss_mib"] > 0
    assert 0 < build["in_process"]["ratio"]
    assert "derive_gazetteer" in build["in_process"]["phases_s_median"]
    noop = results["noop_rebuild"]
    assert noop["unchanged"] is True and noop["torch_imported"] is False
    memory = results["memory"]
    compact, st_mode = memory["compact"], memory["sentence-transformers"]
    assert compact["encoder_in_use"] == "compact" and st_mode["encoder_in_use"] == "sentence-transformers"
    assert compact["modules"]["sentence_transformers"] is False and st_mode["modules"]["sentence_transformers"]
    for record in (compact, st_mode):
        assert record["questions"] == 6 and record["process_peak_rss_mib"] > 0
        assert 0 < record["peak_rss_early_mib"] <= record["peak_rss_all_mib"]
    assert st_mode["same_as_compact"]["compared"] == 6 and compact["same_as_warm"]["compared"] == 6
    bot = results["memory"]["qa_bot"]  # the real `qa bot` process over the fake Bot API
    assert bot["questions"] == 6 and bot["peak_rss_mib"] > 0 and bot["status_mib"]["after_all"]["VmRSS"] > 0
    assert results["cold_start"]["ratio_st_mode"] > 0
    assert results["cold_start"]["sentence_transformers_imported"] is False
    assert results["profile"]["breakdown"]["total"]["ms_mean"] > 0

    rows = results["scale"]["rows"]
    assert [r["passages"] for r in rows] == [2000, 10000]
    assert rows[0]["dense"]["index_type"] == "IndexFlatIP"
    assert rows[1]["dense"]["index_type"] == "IndexRefineFlat(IndexIVFScalarQuantizer)"
    assert rows[1]["dense"]["probe_sweep"] and rows[1]["dense"]["ivf"]["nprobe"] >= 1
    for row in rows:
        dense, lexical = row["dense"], row["lexical"]
        for key in ("build_s", "index_mib", "disk_mib", "search_ms_p50", "search_ms_p95", "recall_at_10"):
            assert dense[key] is not None, key
        assert 0 < dense["recall_at_10"] <= 1
        for key in ("class_build_s", "array_build_s", "search_ms_p50", "search_ms_p95", "tokenize_s"):
            assert lexical[key] is not None, key
        assert lexical["array_build_matches_class"] is True
    assert rows[0]["dense"]["recall_at_10"] == 1.0  # exact search
    assert {t["target"].split(" at ")[0] for t in results["targets"]} >= {
        "warm answer p50 / embed p50", "cold qa ask / cold ST embed", "serving peak RSS (MiB)", "recall@10"}

    png = (out / "scale.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert (out / "table.md").read_text(encoding="utf-8").startswith("Machine: ")
    after = committed.stat().st_mtime_ns if committed.exists() else None
    assert after == before  # the committed results are left alone
