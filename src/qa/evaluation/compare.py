"""``qa eval --compare A.json B.json``: what changed between two ``--json`` reports.

Deltas are B - A for every metric (overall and per lang, kind and split). Questions are
matched by id: ``right_to_wrong`` lists those whose ``answer_correct`` was true in A and is
false in B, ``wrong_to_right`` the reverse; ``rank_worse``/``rank_better`` list those whose
hit rank moved (a missing source counts as worse than any rank).
"""

from __future__ import annotations

import json
from pathlib import Path

from qa.evaluation.metrics import GROUP_FIELDS, METRIC_KEYS
from qa.evaluation.report import _pad, _width, fmt


class ReportError(Exception):
    """A file that is not a ``qa eval --json`` report."""


def load_report(path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not a JSON report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict) or not isinstance(data.get("questions"), list):
        raise ReportError(f"{path}: not a qa eval --json report (needs 'metrics' and 'questions')")
    for index, record in enumerate(data["questions"]):
        if not isinstance(record, dict) or "id" not in record:
            raise ReportError(f"{path}: questions[{index}] has no id")
    return data


def _delta(a, b):
    if a is None or b is None:
        return None
    return round(float(b) - float(a), 6)


def _metric_deltas(a: dict, b: dict) -> dict:
    return {key: {"a": a.get(key), "b": b.get(key), "delta": _delta(a.get(key), b.get(key))} for key in METRIC_KEYS}


def _rank_value(record: dict) -> float:
    rank = record.get("hit_rank")
    return float("inf") if rank is None else float(rank)


def compare_reports(a: dict, b: dict) -> dict:
    result = {"metrics": _metric_deltas(a["metrics"], b["metrics"])}
    for name in GROUP_FIELDS:
        groups_a, groups_b = a.get(f"by_{name}") or {}, b.get(f"by_{name}") or {}
        result[f"by_{name}"] = {
            group: _metric_deltas(groups_a.get(group, {}), groups_b.get(group, {}))
            for group in sorted(set(groups_a) | set(groups_b))
        }
    qa_ = {str(r["id"]): r for r in a["questions"]}
    qb = {str(r["id"]): r for r in b["questions"]}
    common = [i for i in qa_ if i in qb]
    result["right_to_wrong"] = [i for i in common if qa_[i].get("answer_correct") is True and qb[i].get("answer_correct") is False]
    result["wrong_to_right"] = [i for i in common if qa_[i].get("answer_correct") is False and qb[i].get("answer_correct") is True]
    answerable = [i for i in common if qa_[i].get("answerable", qa_[i].get("source") is not None)]
    result["rank_worse"] = [i for i in answerable if _rank_value(qb[i]) > _rank_value(qa_[i])]
    result["rank_better"] = [i for i in answerable if _rank_value(qb[i]) < _rank_value(qa_[i])]
    result["only_in_a"] = [i for i in qa_ if i not in qb]
    result["only_in_b"] = [i for i in qb if i not in qa_]
    result["k"] = {"a": a.get("k"), "b": b.get("k")}
    return result


def render_comparison(comparison: dict, name_a: str, name_b: str, questions: dict | None = None) -> str:
    """``questions``: id -> question text (from B, else A) to show beside the ids."""
    questions = questions or {}
    out = [f"qa eval --compare: A = {name_a}, B = {name_b}"]
    if comparison["k"]["a"] != comparison["k"]["b"]:
        out.append(f"note: k differs (A: {comparison['k']['a']}, B: {comparison['k']['b']})")
    out.append("")
    rows = [["metric", "A", "B", "B - A"]]
    for key, values in comparison["metrics"].items():
        delta = values["delta"]
        sign = "" if delta is None else ("+" if delta > 0 else "")
        shown = "-" if delta is None else (f"{sign}{delta:.0f}" if key.startswith("latency") else f"{sign}{delta:.3f}")
        rows.append([key, fmt(values["a"], key), fmt(values["b"], key), shown])
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        out.append("  ".join([_pad(row[0], widths[0], left=True)] + [_pad(c, w) for c, w in zip(row[1:], widths[1:])]))

    changed_groups = []
    for name in GROUP_FIELDS:
        for group, deltas in comparison[f"by_{name}"].items():
            moved = [f"{key} {deltas[key]['delta']:+.3f}" for key in ("hit@1", "mrr", "answer_accuracy", "abstain_recall")
                     if deltas[key]["delta"]]
            if moved:
                changed_groups.append(f"  {name}={group}: " + ", ".join(moved))
    if changed_groups:
        out.append("")
        out.append("by group (changes only):")
        out.extend(changed_groups)

    labels = [
        ("right_to_wrong", "right -> wrong"),
        ("wrong_to_right", "wrong -> right"),
        ("rank_worse", "source ranked lower"),
        ("rank_better", "source ranked higher"),
        ("only_in_a", "only in A"),
        ("only_in_b", "only in B"),
    ]
    for key, label in labels:
        ids = comparison[key]
        out.append("")
        out.append(f"{label}: {len(ids) if ids else 'none'}")
        for qid in ids:
            text = questions.get(qid)
            out.append(f"  {qid}" + (f"  {text}" if text else ""))
    return "\n".join(out)
