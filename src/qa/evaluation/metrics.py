"""Metrics over :class:`~qa.evaluation.records.QuestionRecord` lists; no model needed.

Each evaluator follows the sentence-transformers pattern: a class with a ``primary_metric``
whose call maps records to a dict of named values. A value is ``None`` when its denominator
is zero (no answerable questions for hit@k, nothing refused for abstention precision, ...);
the JSON report shows ``null`` and the table ``-``.

Ranking metrics (hit@1, hit@3, hit@k, MRR@k) are computed per question with ranx: each
answerable question is a query, its citations the ranked documents, and the citations whose
text holds the source the relevant ones (a question whose source was never cited gets a
relevant document that was not retrieved, so it scores 0).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import Iterable

from qa.evaluation.records import QuestionRecord

log = logging.getLogger(__name__)

METRIC_KEYS = (
    "hit@1",
    "hit@3",
    "hit@k",
    "mrr",
    "answer_accuracy",
    "abstain_precision",
    "abstain_recall",
    "wrongly_refused",
    "latency_p50_ms",
    "latency_p95_ms",
)
COUNT_KEYS = ("questions", "answerable", "unanswerable")
GROUP_FIELDS = ("lang", "kind", "split", "turn")  # turn: conversation cases only
UNSET = "(unset)"  # the group of questions that leave lang/kind/split out

# Threshold options -> the metric each one gates.
GATES = {
    "min_hit1": "hit@1",
    "min_hit3": "hit@3",
    "min_answer": "answer_accuracy",
    "min_abstain": "abstain_recall",
}

RankingScores = dict[str, dict[str, float]]  # question id -> {"hit@1": .., "mrr": ..}
_RANKING_KEYS = ("hit@1", "hit@3", "hit@k", "mrr")


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- ranking ------------------------------------------------------------------------------


def ranking_scores(records: list[QuestionRecord], k: int, backend: str = "auto") -> RankingScores:
    """Per answerable question: hit@1, hit@3, hit@k and reciprocal rank (cut at k).

    ``backend``: "ranx", "plain" (the same definitions in plain Python, used to check ranx
    and where ranx is not installed) or "auto" (ranx when importable).
    """
    if backend not in ("auto", "ranx", "plain"):
        raise ValueError(f"unknown backend {backend!r}")
    answerable = [r for r in records if r.answerable]
    if not answerable:
        return {}
    if backend in ("auto", "ranx"):
        try:
            return _ranx_scores(answerable, k)
        except ImportError:
            if backend == "ranx":
                raise
            log.warning("ranx is not installed (pip install ranx); using the plain implementation")
    return _plain_scores(answerable, k)


def _ranx_scores(records: list[QuestionRecord], k: int) -> RankingScores:
    from ranx import Qrels, Run, evaluate

    qrels: dict[str, dict[str, int]] = {}
    run: dict[str, dict[str, float]] = {}
    for index, record in enumerate(records):
        key = f"q{index}"
        cited = min(record.cited, k)
        # Documents are the citation ranks; scores keep the engine's order exactly.
        run[key] = {f"r{rank}": float(k + 1 - rank) for rank in range(1, cited + 1)}
        if not run[key]:  # nothing cited; ranx wants a document: one that is never relevant
            run[key] = {"nothing-cited": 0.0}
        relevant = {f"r{rank}": 1 for rank in record.relevant_ranks if rank <= cited}
        qrels[key] = relevant or {"not-cited": 1}
    metrics = {"hit@1": "hit_rate@1", "hit@3": "hit_rate@3", "hit@k": f"hit_rate@{k}", "mrr": f"mrr@{k}"}
    qrels_obj, run_obj = Qrels(qrels), Run(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's type-safety chatter
        evaluate(qrels_obj, run_obj, list(dict.fromkeys(metrics.values())), return_mean=False)
    per_metric = run_obj.scores
    return {
        record.id: {name: float(per_metric[ranx_name][f"q{index}"]) for name, ranx_name in metrics.items()}
        for index, record in enumerate(records)
    }


def _plain_scores(records: list[QuestionRecord], k: int) -> RankingScores:
    scores: RankingScores = {}
    for record in records:
        ranks = [r for r in record.relevant_ranks if r <= min(record.cited, k)]
        first = min(ranks) if ranks else None
        scores[record.id] = {
            "hit@1": float(first is not None and first <= 1),
            "hit@3": float(first is not None and first <= 3),
            "hit@k": float(first is not None),
            "mrr": 1.0 / first if first else 0.0,
        }
    return scores


# --- evaluators ---------------------------------------------------------------------------


class RetrievalEvaluator:
    """hit@1, hit@3, hit@k, MRR@k: means over answerable questions."""

    primary_metric = "mrr"

    def __init__(self, scores: RankingScores):
        self.scores = scores

    def __call__(self, records: list[QuestionRecord]) -> dict:
        rows = [self.scores[r.id] for r in records if r.answerable]
        return {key: _mean([row[key] for row in rows]) for key in _RANKING_KEYS}


class AnswerEvaluator:
    """answer_accuracy: answerable questions answered with one of the expected answers.

    Questions whose set lists no answers (``answer_correct`` None) are left out.
    """

    primary_metric = "answer_accuracy"

    def __call__(self, records: list[QuestionRecord]) -> dict:
        judged = [r for r in records if r.answerable and r.answer_correct is not None]
        return {"answer_accuracy": _ratio(sum(bool(r.answer_correct) for r in judged), len(judged))}


class AbstentionEvaluator:
    """Refusals (``answered: false``) judged against unanswerable questions.

    precision = refused unanswerable / refused; recall = refused unanswerable / unanswerable;
    wrongly_refused = refused answerable / answerable.
    """

    primary_metric = "abstain_recall"

    def __call__(self, records: list[QuestionRecord]) -> dict:
        refused = [r for r in records if r.refused]
        unanswerable = [r for r in records if not r.answerable]
        answerable = [r for r in records if r.answerable]
        return {
            "abstain_precision": _ratio(sum(not r.answerable for r in refused), len(refused)),
            "abstain_recall": _ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
            "wrongly_refused": _ratio(sum(r.refused for r in answerable), len(answerable)),
        }


class LatencyEvaluator:
    """Wall-clock time of ``engine.ask`` per question, all questions: p50 and p95 in ms."""

    primary_metric = "latency_p95_ms"

    def __call__(self, records: list[QuestionRecord]) -> dict:
        times = [r.latency_ms for r in records]
        return {"latency_p50_ms": percentile(times, 50), "latency_p95_ms": percentile(times, 95)}


class QAEvaluator:
    """All metrics of the report, over all records and per lang, kind and split."""

    primary_metric = "hit@1"

    def __init__(self, k: int = 10, backend: str = "auto"):
        self.k = k
        self.backend = backend

    def __call__(self, records: list[QuestionRecord]) -> dict:
        scores = ranking_scores(records, self.k, self.backend)
        evaluators = [RetrievalEvaluator(scores), AnswerEvaluator(), AbstentionEvaluator(), LatencyEvaluator()]

        def summarise(group: list[QuestionRecord]) -> dict:
            values: dict = {}
            for evaluator in evaluators:
                values.update(evaluator(group))
            values = {key: values[key] for key in METRIC_KEYS}
            values["questions"] = len(group)
            values["answerable"] = sum(r.answerable for r in group)
            values["unanswerable"] = len(group) - values["answerable"]
            return values

        result = {"metrics": summarise(records)}
        for name in GROUP_FIELDS:
            groups: dict[str, list[QuestionRecord]] = {}
            for record in records:
                groups.setdefault(getattr(record, name) or UNSET, []).append(record)
            result[f"by_{name}"] = {value: summarise(groups[value]) for value in sorted(groups)}
        return result


def evaluate(records: list[QuestionRecord], k: int = 10, backend: str = "auto") -> dict:
    """``{"metrics": {...}, "by_lang": {...}, "by_kind": {...}, "by_split": {...}}``."""
    return QAEvaluator(k, backend)(records)


# --- thresholds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    option: str  # "min_hit1"
    metric: str  # "hit@1"
    minimum: float
    value: float | None

    @property
    def passed(self) -> bool:
        # A metric that cannot be measured (no questions of that kind) does not pass.
        return self.value is not None and round(self.value, 9) >= round(self.minimum, 9)

    def to_dict(self) -> dict:
        return {"option": self.option, "metric": self.metric, "minimum": self.minimum,
                "value": self.value, "passed": self.passed}


def check_gates(metrics: dict, thresholds: dict[str, float | None]) -> list[Gate]:
    """One :class:`Gate` per threshold that is set; unknown options raise ValueError."""
    gates = []
    for option, minimum in thresholds.items():
        if minimum is None:
            continue
        if option not in GATES:
            raise ValueError(f"unknown threshold {option!r}")
        gates.append(Gate(option, GATES[option], float(minimum), metrics.get(GATES[option])))
    return gates
