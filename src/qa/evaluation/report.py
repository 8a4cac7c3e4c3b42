"""Rendering an evaluation: a readable table (default) or one JSON object (``--json``)."""

from __future__ import annotations

import json

from qa.evaluation.calibrate import Calibration
from qa.evaluation.metrics import GROUP_FIELDS, METRIC_KEYS, Gate
from qa.evaluation.records import QuestionRecord

# Column headings of the metrics table.
_COLUMNS = [
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@k", "hit@k"),
    ("mrr", "MRR"),
    ("answer_accuracy", "answer"),
    ("abstain_precision", "abst.P"),
    ("abstain_recall", "abst.R"),
    ("wrongly_refused", "wr.ref"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]


def _round(value):
    return None if value is None else round(float(value), 6)


def _round_metrics(metrics: dict) -> dict:
    return {key: (_round(value) if key in METRIC_KEYS else value) for key, value in metrics.items()}


def build_report(
    evaluation: dict,
    records: list[QuestionRecord],
    gates: list[Gate],
    calibration: Calibration | None,
    k: int,
    files: list[str],
    engine_info: dict | None = None,
    filters: dict | None = None,
) -> dict:
    """The ``--json`` object (also what ``--compare`` reads back)."""
    report = {
        "questions_files": list(files),
        "filters": {key: value for key, value in (filters or {}).items() if value is not None},
        "k": k,
        "engine": engine_info or {},
        "metrics": _round_metrics(evaluation["metrics"]),
    }
    for name in GROUP_FIELDS:
        report[f"by_{name}"] = {g: _round_metrics(m) for g, m in evaluation[f"by_{name}"].items()}
    report["thresholds"] = [g.to_dict() for g in gates]
    report["passed"] = all(g.passed for g in gates)
    report["calibration"] = calibration.to_dict() if calibration else None
    report["failures"] = [r.id for r in records if r.failed]
    report["questions"] = [r.to_dict() for r in records]
    return report


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def fmt(value, key: str = "") -> str:
    if value is None:
        return "-"
    if key.startswith("latency"):
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _shorten(text: str | None, width: int) -> str:
    if text is None:
        return "-"
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def metrics_table(report: dict) -> str:
    rows = [("all", report["metrics"])]
    for name in GROUP_FIELDS:
        groups = report[f"by_{name}"]
        if len(groups) == 1 and next(iter(groups)) == "(unset)":
            continue
        rows.extend((f"{name}={value}", metrics) for value, metrics in groups.items())
    headings = ["", "n", "ans", "unans"] + [title for _, title in _COLUMNS]
    body = [
        [label, str(m["questions"]), str(m["answerable"]), str(m["unanswerable"])]
        + [fmt(m.get(key), key) for key, _ in _COLUMNS]
        for label, m in rows
    ]
    widths = [max(_width(row[i]) for row in [headings] + body) for i in range(len(headings))]
    lines = []
    for row in [headings] + body:
        cells = [_pad(row[0], widths[0], left=True)] + [_pad(c, w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return text + space if left else space + text


def render_text(report: dict, records: list[QuestionRecord], failures: int = 10) -> str:
    m = report["metrics"]
    out = []
    engine = report.get("engine") or {}
    only = "".join(f", {key}={value}" for key, value in (report.get("filters") or {}).items())
    header = f"qa eval: {', '.join(report['questions_files'])}{only}: {m['questions']} questions " \
             f"({m['answerable']} answerable, {m['unanswerable']} unanswerable), k={report['k']}"
    out.append(header)
    if engine.get("model"):
        extra = f", index built {engine['index_built']}" if engine.get("index_built") else ""
        out.append(f"model {engine['model']}{extra}")
    out.append("")
    out.append(metrics_table(report))
    out.append("")
    out.append("hit@n: the source is in one of the first n citations (answerable questions); "
               "answer: answered with an expected answer; abst.P/abst.R: precision/recall of "
               "refusals on unanswerable questions; wr.ref: answerable questions refused; '-': nothing to measure")

    cal = report.get("calibration")
    if cal:
        out.append("")
        total = cal["questions"]
        if cal["current_threshold"] is not None:
            current = f"current {cal['current_threshold']:.4f}: {cal['current_right']}/{total} right"
        else:
            current = "current: not set in the config ([answer] abstain_threshold)"
        if cal["suggested_threshold"] is None:
            out.append(f"abstention threshold: {current}; no scores to suggest one from")
        elif cal["current_threshold"] is not None and cal["suggested_threshold"] == cal["current_threshold"]:
            out.append(f"abstention threshold: {current} (answered correctly + refused correctly); "
                       f"it is already among the best")
        else:
            out.append(f"abstention threshold: {current}; suggested {cal['suggested_threshold']:.4f}: "
                       f"{cal['suggested_right']}/{total} right (answered correctly + refused correctly, "
                       f"estimated from the top citation's score)")

    if report["thresholds"]:
        out.append("")
        for gate in report["thresholds"]:
            status = "ok" if gate["passed"] else "MISSED"
            value = fmt(gate["value"])
            flag = "--" + gate["option"].replace("_", "-")
            out.append(f"{flag} {gate['minimum']:g}: {gate['metric']} = {value} {status}")

    failed = [r for r in records if r.failed]
    out.append("")
    if not failed:
        out.append("failures: none")
    else:
        shown = failed[: max(0, failures)]
        more = f", showing {len(shown)} (--failures N)" if len(shown) < len(failed) else ""
        out.append(f"failures: {len(failed)} of {len(records)}{more}")
        for record in shown:
            out.append("")
            out.extend(_failure_lines(record))
    return "\n".join(out)


def _failure_lines(record: QuestionRecord) -> list[str]:
    if record.answerable:
        expected = " | ".join(record.answers) if record.answers else "(any answer)"
        expected = f"{expected}   from: {_shorten(record.source, 60)}"
        what = []
        if record.hit_rank is None:
            what.append("source not cited")
        elif record.hit_rank > 1:
            what.append(f"source cited at rank {record.hit_rank}")
        if not record.answered:
            what.append("refused")
        elif record.answer_correct is False:
            what.append("wrong answer")
    else:
        expected = "a refusal (no answer in the corpus)"
        what = ["answered an unanswerable question"] if record.answered else []
    first = record.first_citation
    if first:
        where = f"{first.get('doc')} ¶{first.get('paragraph')}, score {fmt(first.get('score'))}"
        cited = f"{where}: {_shorten(first.get('text'), 80)}"
    else:
        cited = "(nothing)"
    answer = _shorten(record.answer, 160) if record.answered else f"(refused: {record.reason or 'no reason given'})"
    return [
        f"✗ {record.id} [{record.lang or '-'}/{record.kind or '-'}] {', '.join(what)}",
        f"  question:   {_shorten(record.question, 120)}",
        f"  expected:   {expected}",
        f"  cited 1st:  {cited}",
        f"  answer:     {answer}",
    ]
