"""Building the index: ``qa index --rebuild`` as a whole process (always run: it builds the
index every later section uses) against a process that loads the model and encodes the same
passages, and section ``build``: ``Indexer.run(rebuild=True)`` against ``model.encode`` of the
same texts in this process, the model loaded in both, with the build's phases timed."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from benchmarks.harness import (Context, PhaseTimes, checked, child_cmd, last_json, log, med, qa_main_captured,
                                rnd, run_measured)
from benchmarks.synthetic import make_copies

# The build's steps timed as phases: (function of qa.indexing.build, phase name).
BUILD_STEPS = (("corpus_state", "hash_corpus"), ("load_corpus", "read_corpus"), ("_derived_data", "derive_gazetteer"))
# The derivation's steps, whichever of them this version of qa.retrieval.derive has.
DERIVE_STEPS = ("words_with_tags", "search_words", "build_gazetteer", "build_bridge", "_pinyin_index",
                "_pinyin_transcript", "cedict_entries", "english_names", "common_word_test", "Dictionary")
# Derivation steps that do not depend on the corpus (CC-CEDICT and what is read from it).
CORPUS_INDEPENDENT_STEPS = ("Dictionary.load", "cedict_entries", "english_names", "common_word_test")


def time_build_steps(times: PhaseTimes):
    """Wrap the build's steps and the writing of the index files with timers; returns the
    function that puts the originals back."""
    import qa.indexing.build as qb
    from qa.storage.versions import IndexStore

    originals = {name: getattr(qb, name) for name, _phase in BUILD_STEPS}
    original_write = IndexStore.write_version
    for name, phase in BUILD_STEPS:
        setattr(qb, name, times.wrap(phase, originals[name]))
    IndexStore.write_version = times.wrap("write_index_files", original_write)

    def restore() -> None:
        for name, function in originals.items():
            setattr(qb, name, function)
        IndexStore.write_version = original_write
    return restore


def time_derive_steps(times: PhaseTimes) -> dict:
    """Wrap the derivation's steps with timers (``derive/<step>``); returns the originals."""
    import qa.retrieval.derive as qd

    originals = {name: getattr(qd, name) for name in DERIVE_STEPS if hasattr(qd, name)}
    for name, original in originals.items():
        if name == "Dictionary":  # a class: time its load() (the cached CC-CEDICT)
            qd.Dictionary = type("TimedDictionary", (), {
                "load": staticmethod(times.wrap("derive/Dictionary.load", original.load))})
        else:
            setattr(qd, name, times.wrap(f"derive/{name}", original))
    return originals


def restore_derive_steps(originals: dict) -> None:
    import qa.retrieval.derive as qd

    for name, original in originals.items():
        setattr(qd, name, original)


def passage_texts(corpus: Path) -> list[str]:
    """The texts the build embeds for the passages of a corpus folder."""
    from qa.indexing.build import embedding_text
    from qa.indexing.ingest import load_corpus

    _docs, passages, _skipped = load_corpus(corpus)
    return [embedding_text(p) for p in passages]


# ============================================================================ child modes


def index_rebuild(payload: dict) -> dict:
    """Child: `qa index --rebuild --json` through qa.cli.main.main, with timers around its phases."""
    started = time.perf_counter()
    import qa.indexing.build  # noqa: F401 (timed: the imports of the build)
    import qa.cli.main  # noqa: F401
    import qa.embedding.embedder as qe
    import qa.storage.versions  # noqa: F401

    imported = time.perf_counter() - started
    times = PhaseTimes()
    time_build_steps(times)
    qe.Embedder._load_model = times.wrap("load_model", qe.Embedder._load_model)
    qe.Embedder.encode_passages = times.wrap("encode_passages", qe.Embedder.encode_passages)
    rc, printed = qa_main_captured(["index", "--rebuild", "--json", "--corpus", payload["corpus"],
                                    "--index", payload["index"]])
    return {"rc": rc, "imports_s": imported, "phases_s": dict(times), "summary": last_json(printed),
            "in_process_s": time.perf_counter() - started,
            "torch_imported": "torch" in sys.modules}


def encode_passages_baseline(payload: dict) -> dict:
    """Child: import sentence-transformers, load the model, encode the passages (batch as the build)."""
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


# ======================================================================= whole processes


def build_process(ctx: Context) -> None:
    ctx.mark("build_process")
    log("full build: qa index --rebuild (whole process)")
    process = checked(run_measured(child_cmd(index_rebuild, ctx.payload), env=ctx.env), "qa index --rebuild")
    inner = last_json(process["stdout"])
    passages = inner["summary"]["passages"]
    record = {
        "passages": passages, "process_s": rnd(process["wall_s"]), "peak_rss_mib": rnd(process["peak_rss_mib"], 1),
        "passages_per_s": rnd(passages / process["wall_s"]), "phases_s": {k: rnd(v) for k, v in inner["phases_s"].items()},
        "imports_s": rnd(inner["imports_s"]),
    }
    if not ctx.quick:
        record.update(baseline_process(ctx, process["wall_s"]))
    ctx.results["build"] = {"process": record}


def baseline_process(ctx: Context, build_wall_s: float) -> dict:
    from qa.embedding.embedder import PASSAGE_BATCH_SIZE

    log("build baseline: a process that loads the model and encodes the same passages")
    payload = {"model": ctx.model_path, "texts": passage_texts(ctx.corpus), "batch_size": PASSAGE_BATCH_SIZE}
    baseline = checked(run_measured(child_cmd(encode_passages_baseline, payload), env=ctx.env), "encode baseline")
    inner = last_json(baseline["stdout"])
    return {"baseline_process_s": rnd(baseline["wall_s"]),
            "baseline_phases_s": {k: rnd(v) for k, v in inner.items() if k.endswith("_s")},
            "process_ratio": rnd(baseline["wall_s"] / build_wall_s)}


# ============================================================================ in process


def build_in_process(ctx: Context) -> None:
    """Indexer.run(rebuild=True) with the model already loaded vs model.encode of the same texts."""
    ctx.mark("build_in_process")
    log("build throughput in process (model loaded): Indexer vs model.encode")
    embedder = ctx.engine.embedder
    model = embedder.load()
    corpora = {1: ctx.corpus}
    if not ctx.quick:  # the same reports four times over, every paragraph made distinct
        corpora[4] = ctx.work / "corpus-x4"
        make_copies(ctx.corpus, corpora[4], 4)
    texts_of = {factor: passage_texts(folder) for factor, folder in corpora.items()}
    times = PhaseTimes()
    restore_build_steps = time_build_steps(times)
    embedder.encode_passages = times.wrap("encode_passages", embedder.encode_passages)
    derive_originals = time_derive_steps(times)
    try:
        runs = timed_build_runs(ctx, model, corpora, texts_of, times)
    finally:
        restore_build_steps()
        del embedder.encode_passages
        restore_derive_steps(derive_originals)
    larger = [r for r in runs if r["factor"] == 4]
    runs = [r for r in runs if r["factor"] == 1]
    record = in_process_record(runs, len(texts_of[1]), dictionary_parse_s(derive_originals))
    record["larger_corpus"] = larger_corpus_record(larger)
    record["runs"] = [{k: (rnd(v) if not isinstance(v, dict) else {a: rnd(b) for a, b in v.items()})
                       for k, v in r.items()} for r in runs]
    ctx.results["build"]["in_process"] = record


def timed_build_runs(ctx: Context, model, corpora: dict, texts_of: dict, times: PhaseTimes) -> list[dict]:
    """Build and encode, alternating which goes first, 7 times over the corpus (once in a
    quick run; 3 more times over the corpus x4 in a full run): seconds of each, and the build's
    phases."""
    from qa.indexing.build import Indexer
    from qa.embedding.embedder import PASSAGE_BATCH_SIZE

    embedder = ctx.engine.embedder
    plan = [(1, rep) for rep in range(ctx.reps(7))] + [(4, rep) for rep in range(3) if 4 in corpora]
    runs = []
    for factor, rep in plan:
        texts = texts_of[factor]
        settings = ctx.settings(corpus=corpora[factor], index=ctx.work / f"index-inproc-{factor}-{rep}")
        steps = ["build", "encode"] if rep % 2 == 0 else ["encode", "build"]
        entry = {"factor": factor, "passages": len(texts)}
        for step in steps:
            times.clear()
            t = time.perf_counter()
            if step == "build":
                summary = Indexer(settings, embedder=embedder, log_fn=lambda m: None).run(rebuild=True)
                entry["build_s"] = time.perf_counter() - t
                entry["phases_s"] = dict(times)
                entry["embedded"] = summary.embedded
            else:
                model.encode(texts, prompt_name="passage", batch_size=PASSAGE_BATCH_SIZE,
                             normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
                entry["encode_s"] = time.perf_counter() - t
        runs.append(entry)
        shutil.rmtree(settings.index_dir, ignore_errors=True)
    return runs


def dictionary_parse_s(derive_originals: dict) -> float | None:
    """CC-CEDICT does not depend on the corpus: what it costs parsed afresh (the first build
    on a machine, or an older engine), against the cached read timed in the builds."""
    dictionary = derive_originals.get("Dictionary")
    if hasattr(dictionary, "_parse"):
        t = time.perf_counter()
        dictionary._parse()
        return time.perf_counter() - t
    if "cedict_entries" in derive_originals:
        t = time.perf_counter()
        derive_originals["cedict_entries"]()
        return time.perf_counter() - t
    return None


def in_process_record(runs: list[dict], passages: int, dictionary_parse: float | None) -> dict:
    build_s = med([r["build_s"] for r in runs])
    encode_s = med([r["encode_s"] for r in runs])
    per_rep = [r["encode_s"] / r["build_s"] for r in runs]
    top = [k for k in sorted({k for r in runs for k in r["phases_s"]}) if "/" not in k]
    sub = sorted({k for r in runs for k in r["phases_s"]} - set(top))
    phases = {k: rnd(med([r["phases_s"].get(k, 0.0) for r in runs])) for k in top}
    phases["other"] = rnd(med([r["build_s"] - sum(r["phases_s"].get(k, 0.0) for k in top) for r in runs]))
    derive_split = {k.split("/", 1)[1]: rnd(med([r["phases_s"].get(k, 0.0) for r in runs])) for k in sub}
    fixed = sum(derive_split.get(k, 0.0) for k in CORPUS_INDEPENDENT_STEPS)
    without_derive = build_s - phases.get("derive_gazetteer", 0.0)
    return {
        "passages": passages, "reps": len(runs), "build_s": rnd(build_s), "encode_s": rnd(encode_s),
        "build_passages_per_s": rnd(passages / build_s), "encode_passages_per_s": rnd(passages / encode_s),
        "ratio": rnd(med(per_rep)), "ratio_per_rep": [rnd(x) for x in per_rep],
        "ratio_of_medians": rnd(encode_s / build_s), "ratio_without_gazetteer": rnd(encode_s / without_derive),
        "phases_s_median": phases, "derive_split_s_median": derive_split,
        "corpus_independent_derive_s": rnd(fixed), "dictionary_parse_uncached_s": rnd(dictionary_parse),
        "ratio_without_dictionary": rnd(encode_s / (build_s - fixed)),
    }


def larger_corpus_record(larger: list[dict]) -> dict | None:
    if not larger:
        return None
    return {"passages": larger[0]["passages"], "reps": len(larger),
            "build_s": rnd(med([r["build_s"] for r in larger])), "encode_s": rnd(med([r["encode_s"] for r in larger])),
            "ratio": rnd(med([r["encode_s"] / r["build_s"] for r in larger])),
            "derive_s": rnd(med([r["phases_s"].get("derive_gazetteer", 0.0) for r in larger]))}
