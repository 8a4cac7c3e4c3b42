"""Section ``memory``: the peak and the step-by-step resident memory of a serving process in
each question mode, every question of the run asked in each, and of the real ``qa bot``
process over the project's fake Bot API."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.answers import compact_answer, compare_answers, evaluate_answers
from benchmarks.harness import (HAN, ROOT, Context, checked, child_cmd, child_engine, hwm_mib, last_json,
                                load_question_texts, log, med, pct, proc_status_mib, qa_cmd, rnd, rss_mib,
                                run_measured)

BOT_TOKEN = "123456:bench-token"
BOT_CHECKPOINTS = (1, 20, 60)


def serve_questions(payload: dict) -> dict:
    """Child, a process serving questions: Engine loaded once, questions asked one by one.
    Resident memory is noted after the first question of each language and at each checkpoint
    (a number of questions), with the peak so far (VmHWM) at each checkpoint."""
    started = time.perf_counter()
    engine = child_engine(payload)
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
        language = "Chinese" if HAN.search(question) else "English"
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
        "evaluation": evaluate_answers(answers),
        "modules": {m: m in sys.modules for m in ("torch", "transformers", "sentence_transformers", "jieba")},
    }


def run(ctx: Context) -> None:
    """Serving processes in both question modes, every question of the run asked in each:
    the default (compact question encoder) and compact_query_encoder=False (questions through
    sentence-transformers, as before). RSS after the first question of each language and at
    checkpoints (20, 60, all) shows whether it stays flat; answers of the sentence-transformers
    mode are compared with the default's, and the default's with the warm section's."""
    ctx.mark("memory")
    count = len(ctx.questions)
    early = min(5 if ctx.quick else 20, count)
    checkpoints = sorted({early, count} | ({60} if count > 60 else set()))
    out: dict = {"checkpoints": checkpoints, "early_n": early}
    for name, compact in (("compact", True), ("sentence-transformers", False)):
        log(f"memory: serving process, {name} question encoder, {count} questions")
        payload = {**ctx.payload, "compact": compact, "questions": count, "checkpoints": checkpoints}
        process = checked(run_measured(child_cmd(serve_questions, payload), env=ctx.env), f"serve {name}")
        inner = last_json(process["stdout"])
        record = serving_record(inner, process, compact, count, early)
        if compact:
            reference = inner["answers"]
            if ctx.warm_answers:
                record["same_as_warm"] = compare_answers(ctx.warm_answers, reference)
        else:
            record["same_as_compact"] = compare_answers(reference, inner["answers"])
        out[name] = record
    out["index_build_peak_rss_mib"] = ctx.results["build"]["process"]["peak_rss_mib"]
    out["qa_bot"] = bot_memory(ctx)
    ctx.results["memory"] = out


def serving_record(inner: dict, process: dict, compact: bool, count: int, early: int) -> dict:
    peaks, rss = inner["peak_at_mib"], inner["rss_at_mib"]
    return {
        "compact_query_encoder": compact, "encoder_in_use": "compact" if inner["compact"] else "sentence-transformers",
        "questions": count, "process_peak_rss_mib": rnd(process["peak_rss_mib"], 1),
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


def bot_memory(ctx: Context) -> dict:
    """The real `qa bot` process, polling the project's fake Bot API server on loopback
    (tests/botapi_server.py), asked every question of the run one at a time; its VmHWM
    and VmRSS are read from /proc while it serves."""
    sys.path.insert(0, str(ROOT / "tests"))
    from botapi_server import FakeBotAPI

    env = {**os.environ, **ctx.env, "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "QA_CORPUS": str(ctx.corpus),
           "QA_INDEX": str(ctx.index), "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    log(f"memory: qa bot process, {len(ctx.questions)} questions over the fake Bot API")
    status: dict = {}

    def bot_status() -> dict[str, float]:
        return {key: rnd(value, 1) for key, value in proc_status_mib(proc.pid).items()}

    with FakeBotAPI(token=BOT_TOKEN) as api:
        proc = subprocess.Popen(qa_cmd("bot", "--api-url", api.base_url), env=env, cwd=ctx.work,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            api.wait_for(lambda: api.calls_of("getUpdates") or proc.poll() is not None, timeout=300,
                         what="the bot to poll")
            if proc.poll() is not None:
                raise RuntimeError(f"qa bot exited: {proc.stderr.read()[-2000:]}")
            status["started"] = bot_status()
            latencies = []
            for i, question in enumerate(ctx.questions, start=1):
                t = time.perf_counter()
                api.wait_replies(api.user_says(question, user_id=1000 + i % 7), timeout=120)
                latencies.append((time.perf_counter() - t) * 1000)
                if i in BOT_CHECKPOINTS:
                    status[f"after_{i}"] = bot_status()
            status["after_all"] = bot_status()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {"questions": len(ctx.questions), "status_mib": status,
            "peak_rss_mib": status["after_all"]["VmHWM"], "reply_ms_p50": rnd(med(latencies), 1),
            "reply_ms_p95": rnd(pct(latencies, 95), 1)}
