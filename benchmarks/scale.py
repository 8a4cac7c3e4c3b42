"""Section ``scale``: synthetic corpora of growing sizes mixed from the real passages, with
the dense index (``scale_dense``), optionally Milvus Lite (``scale_milvus``) and BM25
(``scale_lexical``) measured at each size."""

from __future__ import annotations

import gc
import time

from benchmarks.harness import Context, load_question_texts, log, rnd
from benchmarks.scale_dense import NEAR_TIE, dense_row
from benchmarks.scale_lexical import lexical_rows
from benchmarks.scale_milvus import milvus_row
from benchmarks.synthetic import SEED, mix_texts, mix_vectors

METHOD = ("vectors: convex mixtures (Dirichlet weights) of 2-3 real passage vectors + N(0, 0.02) "
          "noise per dimension, renormalised; queries: real question vectors mixed the same way; "
          "texts: pieces of 2-3 real passages (lengths in proportion to the weights) joined by "
          "a newline; lexical queries: the engine's own BM25 queries for the real questions. "
          "recall_at_10: share of the exact top 10 (IndexFlatIP) found in the index's top 10; "
          f"near_tie_recall: share of the index's top 10 scoring at least the exact 10th score "
          f"minus {NEAR_TIE}; passage_like: queries mixed from passage vectors instead of questions")


def run(ctx: Context) -> None:
    seeds = scale_seeds(ctx.engine)
    ctx.engine = None  # the synthetic corpora need the memory
    gc.collect()
    measure(ctx, seeds)


def scale_seeds(engine) -> dict:
    """Real vectors, texts and queries the synthetic corpora are mixed from."""
    import numpy as np

    from qa.retrieval.pipeline import _context

    pipeline = engine._pipeline
    version = engine._version
    analyses = [pipeline.analyzer.run(q) for q in load_question_texts()]
    query_vectors = engine.embedder.encode_queries([a.dense_text() for a in analyses])
    lexical_queries = [pipeline._lexical_query(a) for a in analyses]
    # A real question naming two places, for the names-meet check at scale.
    names_analysis = next((a for a in analyses if len(a.names) >= 2), None) or type(
        "A", (), {"names": [type("N", (), {"forms": [f]})() for f in ("青岛市", "夷陵区")]})()
    return {
        "passage_vectors": np.array(version.vectors, dtype=np.float32),
        "passage_texts": [_context(p) for p in version.passages],
        "question_vectors": query_vectors,
        "lexical_queries": lexical_queries,
        "names_analysis": names_analysis,
    }


def measure(ctx: Context, seeds: dict) -> None:
    import numpy as np

    ctx.mark("scale")
    args = ctx.args
    sizes = args.sizes
    n_queries = 100 if ctx.quick else 200
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
        rows.append({"passages": n, "dense": dense_row(ctx, vectors[:n], queries, passage_like)})
        gc.collect()
        if args.milvus and n >= args.milvus_min:
            rows[-1]["milvus"] = milvus_row(ctx, vectors[:n], queries)
            gc.collect()
    del vectors
    gc.collect()
    if args.no_lexical:
        ctx.results["scale"] = {"queries_dense": n_queries, "generation": generation, "rows": rows,
                                "exact_max": args.exact_max}
        return
    log(f"scale: generating {nmax} synthetic texts")
    t = time.perf_counter()
    texts = mix_texts(seeds["passage_texts"], nmax, rng)
    generation["texts_s"] = rnd(time.perf_counter() - t)
    lexical_queries = seeds["lexical_queries"][: (60 if ctx.quick else None)]
    lexical_rows(ctx, texts, lexical_queries, rows, seeds["names_analysis"])
    del texts
    gc.collect()
    ctx.results["scale"] = {
        "queries_dense": n_queries, "queries_lexical": len(lexical_queries), "generation": generation,
        "exact_max": args.exact_max, "rows": rows, "method": METHOD,
    }
