"""Section ``warm``: answers against the embedding of the question alone, in this process
with the engine loaded once, interleaved question by question; also, as what-ifs on
encoding speed alone, the question through sentence-transformers in float32 and in bf16."""

from __future__ import annotations

import gc
import time

from benchmarks.answers import compact_answer, evaluate_answers
from benchmarks.harness import Context, log, med, pct, rnd


def run(ctx: Context) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    ctx.mark("warm")
    log(f"warm answers: {len(ctx.questions)} questions, ask and embed interleaved")
    embedder = ctx.engine.embedder
    # What-ifs on encoding speed alone (not the engine's question path): the same question
    # through sentence-transformers in float32 (the build's model, and the question path with
    # compact_query_encoder off) and in bf16.
    st_fp32 = embedder.load()
    bf16 = SentenceTransformer(ctx.model_path, device="cpu", model_kwargs={"dtype": torch.bfloat16})
    for model in (st_fp32, bf16):
        model.encode(["warm-up"], prompt_name="query", show_progress_bar=False)
    times, answers, encoded_per_ask = interleaved_questions(ctx, st_fp32, bf16)
    del bf16, st_fp32
    gc.collect()
    ctx.warm_answers = [compact_answer(a) for a in answers]
    ctx.results["warm"] = warm_record(len(ctx.questions), times, answers, encoded_per_ask)


def interleaved_questions(ctx: Context, st_fp32, bf16):
    """Per question, the five operations in rotation (each question starts one later):
    milliseconds of each by name, the answers, and how many texts each answer embedded."""
    engine = ctx.engine
    embedder = engine.embedder
    analyzer = engine._pipeline.analyzer
    times = {"ask": [], "embed": [], "embed_dense_text": [], "embed_st": [], "embed_bf16": []}
    answers, encoded_per_ask = [], []
    for i, question in enumerate(ctx.questions):
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
    return times, answers, encoded_per_ask


def warm_record(questions: int, times: dict, answers: list, encoded_per_ask: list[int]) -> dict:
    ask_ms, emb_ms = times["ask"], times["embed"]
    per_q_ratio = [a / e for a, e in zip(ask_ms, emb_ms)]
    overhead = [a - d for a, d in zip(ask_ms, times["embed_dense_text"])]
    record = {"questions": questions}
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
        "evaluation_fp32": evaluate_answers(answers),
    })
    return record
