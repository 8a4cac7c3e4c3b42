"""`qa eval`: question sets, metrics, calibration, comparison, and the command end to end.

The metric tests build :class:`QuestionRecord` lists by hand (no model). The command tests
run `qa eval` on the real engine over a two-section corpus in a temporary folder; they are
skipped only when :mod:`qa.engine` cannot be imported.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from qa.evaluation.calibrate import calibrate, plot_scores, right_at
from qa.evaluation.compare import compare_reports, load_report, ReportError
from qa.evaluation.matching import contains, fold
from qa.evaluation.metrics import METRIC_KEYS, check_gates, evaluate, percentile, ranking_scores
from qa.evaluation.questions import QuestionSetError, guess_lang, load_questions
from qa.evaluation.records import QuestionRecord
from qa.evaluation.report import build_report, render_text

ROOT = Path(__file__).resolve().parents[1]


def rec(qid, answerable=True, ranks=(), cited=5, answered=True, correct=True, lang="en",
        kind=None, split=None, latency=10.0, score=None, answers=("x",)):
    """A hand-made record; an unanswerable question is right when refused."""
    return QuestionRecord(
        id=qid,
        question=f"question {qid}",
        source="the source" if answerable else None,
        answers=list(answers) if answerable else [],
        lang=lang,
        kind=kind,
        split=split,
        cited=cited,
        relevant_ranks=list(ranks),
        answered=answered,
        answer="an answer" if answered else "",
        answer_correct=correct if answerable else (not answered),
        top_score=score,
        latency_ms=latency,
    )


def hand_case() -> list[QuestionRecord]:
    """Four answerable and three unanswerable questions, k = 5.

    a: source at rank 1, right answer       hit@1 1, hit@3 1, hit@5 1, RR 1
    b: source at ranks 2 and 4, wrong answer       0        1        1     1/2
    c: source at rank 4, refused                   0        0        1     1/4
    d: source not cited, right answer              0        0        0     0
    e, g: unanswerable, refused; f: unanswerable, answered
    """
    return [
        rec("a", ranks=[1], correct=True, lang="en", kind="amount", split="test", latency=10),
        rec("b", ranks=[2, 4], correct=False, lang="zh", kind="amount", split="test", latency=20),
        rec("c", ranks=[4], answered=False, correct=False, lang="zh", kind="count", split="tune", latency=30),
        rec("d", ranks=[], correct=True, lang="en", kind="count", split="tune", latency=40),
        rec("e", answerable=False, answered=False, lang="en", kind="none", split="test", latency=50),
        rec("f", answerable=False, answered=True, lang="zh", kind="none", split="test", latency=60),
        rec("g", answerable=False, answered=False, lang="zh", kind="none", split="tune", latency=70),
    ]


# --- metrics -----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["ranx", "plain"])
def test_metrics_on_a_hand_computed_case(backend):
    result = evaluate(hand_case(), k=5, backend=backend)
    m = result["metrics"]
    assert m["hit@1"] == pytest.approx(1 / 4)
    assert m["hit@3"] == pytest.approx(2 / 4)
    assert m["hit@k"] == pytest.approx(3 / 4)
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)
    assert m["answer_accuracy"] == pytest.approx(2 / 4)  # a and d
    assert m["abstain_precision"] == pytest.approx(2 / 3)  # refused: c, e, g
    assert m["abstain_recall"] == pytest.approx(2 / 3)  # unanswerable: e, f, g
    assert m["wrongly_refused"] == pytest.approx(1 / 4)  # c
    assert m["latency_p50_ms"] == pytest.approx(40)
    assert m["latency_p95_ms"] == pytest.approx(67)  # 60 + 0.7 * (70 - 60)
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (7, 4, 3)
    assert set(METRIC_KEYS) <= set(m)

    zh = result["by_lang"]["zh"]  # b, c, f, g
    assert zh["hit@1"] == 0 and zh["hit@3"] == pytest.approx(1 / 2)
    assert zh["mrr"] == pytest.approx((1 / 2 + 1 / 4) / 2)
    assert zh["abstain_recall"] == pytest.approx(1 / 2)
    assert zh["abstain_precision"] == pytest.approx(1 / 2)  # refused: c, g
    amount = result["by_kind"]["amount"]
    assert amount["hit@1"] == pytest.approx(1 / 2) and amount["abstain_recall"] is None
    assert sorted(result["by_split"]) == ["test", "tune"]
    assert result["by_split"]["tune"]["wrongly_refused"] == pytest.approx(1 / 2)


def test_ranx_and_plain_agree_and_k_cuts_ranks():
    records = hand_case()
    ranx_scores, plain_scores = ranking_scores(records, 5, "ranx"), ranking_scores(records, 5, "plain")
    assert ranx_scores.keys() == plain_scores.keys()
    for qid, scores in ranx_scores.items():
        assert scores == pytest.approx(plain_scores[qid]), qid
    for backend in ("ranx", "plain"):
        m = evaluate(records, k=3, backend=backend)["metrics"]  # c's rank 4 no longer counts
        assert m["hit@k"] == pytest.approx(2 / 4)
        assert m["mrr"] == pytest.approx((1 + 1 / 2) / 4)
    # a question with no citation at all scores zero, not an error
    empty = [rec("z", ranks=[], cited=0, answered=False, correct=False)]
    assert evaluate(empty, k=10, backend="ranx")["metrics"]["mrr"] == 0


def test_zero_denominators_are_none_and_shown_as_dash():
    only_unanswerable = [rec("u", answerable=False, answered=True)]
    m = evaluate(only_unanswerable, k=10)["metrics"]
    for key in ("hit@1", "hit@3", "hit@k", "mrr", "answer_accuracy", "wrongly_refused", "abstain_precision"):
        assert m[key] is None, key
    assert m["abstain_recall"] == 0
    report = build_report(evaluate(only_unanswerable, k=10), only_unanswerable, [], None, 10, ["q.jsonl"])
    assert json.loads(json.dumps(report))["metrics"]["hit@1"] is None
    table = render_text(report, only_unanswerable)
    row = next(line for line in table.splitlines() if line.startswith("all"))
    assert " - " in row


def test_answerable_question_without_answers_is_left_out_of_answer_accuracy():
    records = [rec("a", ranks=[1], correct=None, answers=()), rec("b", ranks=[1], correct=True)]
    assert evaluate(records, k=5)["metrics"]["answer_accuracy"] == 1.0


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2.5


def test_gates():
    metrics = evaluate(hand_case(), k=5)["metrics"]
    gates = check_gates(metrics, {"min_hit1": 0.25, "min_hit3": 0.6, "min_answer": None, "min_abstain": 0.5})
    assert [(g.metric, g.passed) for g in gates] == [("hit@1", True), ("hit@3", False), ("abstain_recall", True)]
    # a metric with nothing to measure does not pass its gate
    nothing = check_gates({"abstain_recall": None}, {"min_abstain": 0.0})
    assert not nothing[0].passed


# --- matching and question sets -------------------------------------------------------------


def test_matching_tolerates_whitespace_width_and_punctuation():
    assert contains("青岛市累计无偿援助夷陵区资金9788.1万元,援建项目185个。", "资金 9788.1 万元，援建")
    assert contains("（青岛）“对口支援”", "(青岛)\"对口支援\"")
    assert contains("Qingdao gave ９７８８．１", "9788.1")
    assert contains("The Reports Say", "reports say")
    assert not contains("9788.1万元", "9788.2")
    assert not contains(None, "x") and not contains("abc", "  ")
    assert fold("Ａ Ｂ\u3000c") == "abc"


def write(tmp_path: Path, text: str, name: str = "q.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    '{"id": "qd-amount", "question": "how much did Qingdao give Yiling", "answers": ["9788.1"], '
    '"source": "青岛市累计无偿援助夷陵区资金9788.1万元", "lang": "en", "kind": "amount", "split": "test"}\n'
    "\n"
    '{"id": "no-gx", "question": "How much did Guangxi give Fuling?", "answers": [], "source": null, '
    '"lang": "en", "kind": "unanswerable"}\n'
    '{"question": "北京援建了多少项目?", "answers": ["289"], "source": "援助项目289个"}\n'
)


def test_load_questions(tmp_path):
    questions = load_questions(write(tmp_path, "\ufeff" + GOOD))
    assert [q.id for q in questions] == ["qd-amount", "no-gx", "4"]  # line number when absent
    assert [q.answerable for q in questions] == [True, False, True]
    assert questions[1].split is None and questions[1].answers == ()
    assert questions[2].lang == "zh" and questions[2].line == 4
    assert guess_lang("How much did 青岛 give?") == "en" and guess_lang("青岛给了多少?") == "zh"


def test_malformed_lines_are_reported_with_line_numbers(tmp_path):
    text = (
        GOOD
        + "not json\n"  # 5
        + "[1, 2]\n"  # 6
        + '{"question": "  ", "source": null}\n'  # 7
        + '{"id": "x", "question": "q", "answers": ["a"], "source": null}\n'  # 8
        + '{"id": "qd-amount", "question": "again", "source": null}\n'  # 9
        + '{"id": "y", "question": "no source key", "answers": []}\n'  # 10
        + '{"id": "z", "question": "q", "answers": "9788.1", "source": "s"}\n'  # 11
        + '{"id": "w", "question": "q", "source": "s", "kind": 3}\n'  # 12
    )
    with pytest.raises(QuestionSetError) as caught:
        load_questions(write(tmp_path, text))
    lines = [line for _, line, _ in caught.value.problems]
    assert lines == [5, 6, 7, 8, 9, 10, 11, 12]
    message = str(caught.value)
    assert "q.jsonl:8:" in message and "source" in message
    assert "duplicate id 'qd-amount' (first on line 1)" in message


def test_other_bad_files(tmp_path):
    with pytest.raises(QuestionSetError, match="cannot read"):
        load_questions(tmp_path / "missing.jsonl")
    with pytest.raises(QuestionSetError, match="no questions"):
        load_questions(write(tmp_path, "\n\n"))
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"question": "caf\xe9", "source": null}\n')
    with pytest.raises(QuestionSetError, match=r"latin1.jsonl:1: not UTF-8"):
        load_questions(bad)
    a = write(tmp_path, GOOD, "a.jsonl")
    with pytest.raises(QuestionSetError, match="duplicate id 'no-gx'"):
        load_questions([a, write(tmp_path, GOOD, "b.jsonl")])


def test_project_question_sets_are_accepted():
    sets = sorted((ROOT / "questions").glob("*.jsonl"))
    if not sets:
        pytest.skip("no questions/*.jsonl yet")
    questions = load_questions(sets)
    assert any(q.answerable for q in questions) and any(not q.answerable for q in questions)


# --- calibration -------------------------------------------------------------------------


def test_calibration_suggests_the_threshold_with_most_right():
    records = [
        rec("a1", ranks=[1], score=0.90),
        rec("a2", ranks=[1], score=0.80),
        rec("a3", ranks=[2], correct=False, score=0.75),  # wrong either way
        rec("u1", answerable=False, answered=True, score=0.70),
        rec("u2", answerable=False, answered=True, score=0.60),
        rec("u3", answerable=False, answered=False, score=None),  # nothing cited: always refused
    ]
    assert right_at(records, 0.0) == 3  # a1, a2, u3
    assert right_at(records, 0.72) == 5
    calibration = calibrate(records, current=0.5)
    assert calibration.current_right == 3
    assert calibration.suggested_right == 5
    # best range: above 0.70 (u1 refused) and at most 0.80 (a2 answered)
    assert calibration.suggested == pytest.approx((0.70 + 0.80) / 2)
    # a current threshold already in the best range is kept
    assert calibrate(records, current=0.78).suggested == 0.78
    # a refused answerable question counts as right if answered when its top citation holds the source
    refused = [rec("r", ranks=[1], answered=False, correct=False, score=0.5)]
    assert right_at(refused, 0.4) == 1 and right_at(refused, 0.6) == 0
    assert calibrate([rec("n", cited=0, score=None)]).suggested is None


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    records = [rec("a", ranks=[1], score=0.9), rec("u", answerable=False, answered=True, score=0.7)]
    path = tmp_path / "scores.png"
    plot_scores(calibrate(records, current=0.8), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- the runner on a stand-in engine (record judging only) ---------------------------------


class FakeEngine:
    """Returns canned answers: the runner's judging of citations and answers, no model."""

    def __init__(self, replies):
        self.replies = replies
        self.asked = []

    def ask(self, question, k=5):
        from qa.types import Answer, Citation, Passage

        self.asked.append((question, k))
        answered, answer, texts = self.replies.get(question, (False, "", []))
        citations = [
            Citation(rank, Passage(f"p{rank}", "doc.txt", None, rank, text), 1.0 - rank / 10)
            for rank, text in enumerate(texts, start=1)
        ]
        return Answer(question, answered, answer, citations, reason=None if answered else "no answer")


def test_runner_judges_citations_and_answers(tmp_path):
    from qa.evaluation.runner import WARM_UP_QUESTION, run_questions

    questions = load_questions(write(tmp_path, GOOD))
    engine = FakeEngine({
        "how much did Qingdao give Yiling": (
            True, "The reports say: 9788.1 万元 [2]",
            ["北京市援建项目289个。", "1992年以来，青岛市累计无偿援助夷陵区资金 9788.1万元。"],
        ),
        "How much did Guangxi give Fuling?": (True, "Guangxi gave 5", ["广西"]),
        "北京援建了多少项目?": (False, "", ["北京市援建项目289个。"]),
    })
    records = run_questions(engine, questions, k=7, warm_up=True)
    assert engine.asked[0] == (WARM_UP_QUESTION, 7) and len(engine.asked) == 4
    qd, gx, bj = records
    assert (qd.hit_rank, qd.answer_correct, qd.top_score) == (2, True, pytest.approx(0.9))
    assert qd.first_citation["text"] == "北京市援建项目289个。"
    assert (gx.hit_rank, gx.answer_correct, gx.failed) == (None, False, True)  # answered an unanswerable one
    assert (bj.hit_rank, bj.answered, bj.answer_correct, bj.failed) == (None, False, False, True)
    # "援助项目289个" is not in "援建项目289个": a miss, however close


# --- comparison --------------------------------------------------------------------------


def report_of(records):
    return json.loads(json.dumps(build_report(evaluate(records, k=5), records, [], None, 5, ["q.jsonl"])))


def test_compare_reports():
    before = hand_case()
    after = hand_case()
    after[0] = rec("a", ranks=[3], correct=False, lang="en", kind="amount", split="test", latency=10)  # a: right -> wrong
    after[1] = rec("b", ranks=[1], correct=True, lang="zh", kind="amount", split="test", latency=20)  # b: wrong -> right
    after[5] = rec("f", answerable=False, answered=False, lang="zh", kind="none", split="test", latency=60)  # f: now refused
    comparison = compare_reports(report_of(before), report_of(after))
    assert comparison["right_to_wrong"] == ["a"]
    assert comparison["wrong_to_right"] == ["b", "f"]
    assert comparison["rank_worse"] == ["a"] and comparison["rank_better"] == ["b"]
    assert comparison["metrics"]["hit@1"]["delta"] == pytest.approx(0)
    assert comparison["metrics"]["abstain_recall"]["delta"] == pytest.approx(1 / 3, abs=1e-6)
    assert comparison["metrics"]["mrr"]["delta"] == pytest.approx((1 / 3 + 1) / 4 - (1 + 1 / 2) / 4, abs=1e-6)
    assert comparison["by_lang"]["zh"]["answer_accuracy"]["delta"] == pytest.approx(1 / 2)
    assert comparison["only_in_a"] == [] and comparison["only_in_b"] == []


def test_load_report_rejects_other_files(tmp_path):
    with pytest.raises(ReportError, match="not a JSON report"):
        load_report(write(tmp_path, "{", "a.json"))
    with pytest.raises(ReportError, match="needs 'metrics' and 'questions'"):
        load_report(write(tmp_path, '{"metrics": {}}', "b.json"))


# --- the command -------------------------------------------------------------------------


def eval_parser() -> argparse.ArgumentParser:
    from qa.cli import evaluate as cli
    from qa.cli.options import common_parser

    parser = argparse.ArgumentParser(prog="qa")
    cli.register(parser.add_subparsers(dest="command", required=True), [common_parser()])
    return parser


def run_eval(argv, capsys):
    args = eval_parser().parse_args(["eval", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_registering_imports_nothing_heavy():
    import subprocess

    code = (
        "import sys, argparse; from qa.cli.options import common_parser; from qa.cli import evaluate as cli; "
        "p = argparse.ArgumentParser(); cli.register(p.add_subparsers(), [common_parser()]); "
        "print(sorted(m for m in ('torch', 'ranx', 'matplotlib', 'numpy', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    assert result.stdout.strip() == "[]"


def test_bad_input_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, GOOD + '{"id": "bad", "question": "q", "answers": ["1"], "source": null}\n')
    code, out, err = run_eval(["--questions", str(path)], capsys)
    assert code == 2 and out == ""
    assert "q.jsonl:5:" in err and "nothing was evaluated" in err

    good = write(tmp_path, GOOD, "good.jsonl")
    code, _, err = run_eval(["--questions", str(good), "--split", "nope"], capsys)
    assert code == 2 and "no questions with split=nope" in err
    code, _, err = run_eval(["--questions", str(good), "--plot", str(tmp_path / "no" / "dir" / "p.png")], capsys)
    assert code == 2 and "does not exist" in err
    code, _, err = run_eval(["--compare", str(good), str(good)], capsys)
    assert code == 2 and "not a JSON report" in err
    with pytest.raises(SystemExit) as exited:  # argparse: a threshold outside 0..1
        eval_parser().parse_args(["eval", "--questions", str(good), "--min-hit1", "80"])
    assert exited.value.code == 2


def test_bad_threshold_in_config_exits_2(tmp_path, monkeypatch):
    from qa.cli.main import main

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[eval]\nmin_hit1 = 1.5\n", "qa.toml")
    assert main(["eval", "--questions", str(write(tmp_path, GOOD))]) == 2


def test_compare_command(tmp_path, capsys):
    a = write(tmp_path, json.dumps(report_of(hand_case())), "a.json")
    changed = hand_case()
    changed[0] = rec("a", ranks=[3], correct=False, lang="en", kind="amount", split="test")
    b = write(tmp_path, json.dumps(report_of(changed)), "b.json")
    code, out, _ = run_eval(["--compare", str(a), str(b)], capsys)
    assert code == 0
    assert "right -> wrong: 1" in out and "  a  question a" in out and "hit@1" in out
    code, out, _ = run_eval(["--compare", str(a), str(b), "--json"], capsys)
    assert code == 0 and json.loads(out)["right_to_wrong"] == ["a"]


# --- end to end on the real engine -----------------------------------------------------------

TINY_CORPUS = """测试报告

——对口支援纪实

甲省

甲省累计无偿援助乙县资金1234.5万元,援建学校和医院等项目56个,惠及群众十万余人。

丙市

丙市先后选派12批30名优秀干部到丁县挂职,培训各类人才八千多人次。
"""

TINY_QUESTIONS = (
    '{"id": "jia-amount", "question": "甲省累计无偿援助乙县资金多少万元?", "answers": ["1234.5"], '
    '"source": "无偿援助乙县资金1234.5万元", "kind": "amount", "split": "test"}\n'
    '{"id": "bing-cadres", "question": "How many cadres did Bing send to Ding county?", "answers": ["30"], '
    '"source": "选派12批30名优秀干部", "kind": "count", "split": "tune"}\n'
    '{"id": "no-mars", "question": "How much did Mars give Jupiter?", "answers": [], "source": null, '
    '"kind": "unanswerable", "split": "test"}\n'
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    pytest.importorskip("qa.engine", reason="qa.engine is not importable")
    base = tmp_path_factory.mktemp("eval-e2e")
    (base / "corpus").mkdir()
    (base / "corpus" / "report.txt").write_text(TINY_CORPUS, encoding="utf-8")
    (base / "q.jsonl").write_text(TINY_QUESTIONS, encoding="utf-8")
    (base / "qa.toml").write_text("", encoding="utf-8")
    return base


def qa_main(tiny, monkeypatch, capsys, *argv):
    from qa.cli.main import main

    monkeypatch.chdir(tiny)  # picks up the empty qa.toml, never the repository's
    code = main(["eval", "--corpus", str(tiny / "corpus"), "--index", str(tiny / "index"), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_end_to_end(tiny, monkeypatch, capsys):
    code, out, err = qa_main(tiny, monkeypatch, capsys, "--questions", str(tiny / "q.jsonl"), "--json",
                             "-k", "3", "--min-hit3", "0")
    assert code == 0, err
    report = json.loads(out)
    assert set(METRIC_KEYS) <= set(report["metrics"])
    assert {"by_lang", "by_kind", "by_split", "questions", "calibration", "thresholds"} <= set(report)
    assert sorted(report["by_lang"]) == ["en", "zh"] and sorted(report["by_split"]) == ["test", "tune"]
    records = {r["id"]: r for r in report["questions"]}
    assert set(records) == {"jia-amount", "bing-cadres", "no-mars"}
    for record in records.values():
        assert {"id", "question", "hit_rank", "answer_correct", "answered", "answer", "first_citation"} <= set(record)
        assert record["latency_ms"] > 0
    # two passages of facts, k = 3: both sources are cited somewhere
    assert records["jia-amount"]["hit_rank"] is not None and records["bing-cadres"]["hit_rank"] is not None
    assert report["metrics"]["hit@k"] == 1.0
    assert report["metrics"]["latency_p95_ms"] >= report["metrics"]["latency_p50_ms"] > 0

    # the table, with plot and filters
    plot = tiny / "scores.png"
    code, out, err = qa_main(tiny, monkeypatch, capsys, "--questions", str(tiny / "q.jsonl"), "--plot", str(plot),
                             "--split", "test")
    assert code == 0, err
    assert "hit@1" in out and "abstention threshold" in out and "failures" in out
    assert "2 questions" in out
    if "matplotlib" in sys.modules or _has_matplotlib():
        assert plot.read_bytes()[:4] == b"\x89PNG"


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_eval_exit_codes_and_compare_end_to_end(tiny, monkeypatch, capsys):
    questions = tiny / "q.jsonl"
    # A source that is nowhere in the corpus can never be cited: hit@1 < 1 for sure.
    missing = tiny / "missing.jsonl"
    missing.write_text(
        TINY_QUESTIONS
        + '{"id": "nowhere", "question": "甲省援建了多少座桥?", "answers": ["7"], "source": "援建桥梁7座"}\n',
        encoding="utf-8",
    )
    code, out_a, err = qa_main(tiny, monkeypatch, capsys, "--questions", str(questions), "--json")
    assert code == 0, err
    code, out_b, err = qa_main(tiny, monkeypatch, capsys, "--questions", str(missing), "--json", "--min-hit1", "1")
    assert code == 1, err
    report = json.loads(out_b)
    assert report["passed"] is False and report["thresholds"][0]["metric"] == "hit@1"
    assert "nowhere" in report["failures"]
    code, out, err = qa_main(tiny, monkeypatch, capsys, "--questions", str(missing), "--min-hit1", "1")
    assert code == 1 and "MISSED" in out and "nowhere" in out and "source not cited" in out

    a, b = tiny / "a.json", tiny / "b.json"
    a.write_text(out_a, encoding="utf-8")
    b.write_text(out_b, encoding="utf-8")
    code, out, err = qa_main(tiny, monkeypatch, capsys, "--compare", str(a), str(b))
    assert code == 0, err
    assert "only in B: 1" in out and "nowhere" in out


# --- the project's own question sets, gated (the CI check of the issue) ---------------------

# Floors a little below what the engine reaches today: a regression fails, noise does not.
# Raise them as the engine improves (docs/evaluation.md, "In CI").
PROJECT_SETS = {
    "three-gorges": (ROOT / "questions" / "three-gorges.jsonl", ROOT / "corpus", "shared_engine"),
    "second-corpus": (ROOT / "questions" / "second-corpus.jsonl", ROOT / "examples" / "second-corpus", "second_engine"),
    "state-council-reports": (ROOT / "questions" / "state-council-reports.jsonl",
                              ROOT / "examples" / "state-council-reports", "reports_engine"),
}
# Gated on the test split, which nothing is tuned on (the dev/tune splits are). The answer
# model was replaced by a general one for any corpus of reports (issue 16): the special rules
# written for the sample report's sentences went, so its figures dropped from answers 0.97 /
# abstention 0.96 (both splits, old model) to the ones below, while the 52 State Council
# reports went from answering almost nothing to the figures below. Measured today (test split):
FLOORS_MEASURED = {
    "three-gorges": "hit@1 0.951, hit@3 0.994, answers 0.933, abstention 0.849",
    "second-corpus": "hit@1 0.971, hit@3 1.0, answers 0.957, abstention 0.925",
    "state-council-reports": "hit@1 0.87, hit@3 0.94, answers 0.73, abstention 0.786",
}
PROJECT_FLOORS = {
    "three-gorges": ["--min-hit1", "0.93", "--min-hit3", "0.98", "--min-answer", "0.91", "--min-abstain", "0.82"],
    "second-corpus": ["--min-hit1", "0.95", "--min-hit3", "0.98", "--min-answer", "0.92", "--min-abstain", "0.90"],
    "state-council-reports": ["--min-hit1", "0.83", "--min-hit3", "0.90", "--min-answer", "0.70", "--min-abstain", "0.70"],
}


@pytest.mark.parametrize("name", sorted(PROJECT_SETS))
def test_project_question_set_meets_thresholds(name, request, tmp_path, monkeypatch, capsys):
    pytest.importorskip("qa.engine", reason="qa.engine is not importable")
    questions, corpus, fixture = PROJECT_SETS[name]
    if not questions.is_file() or not corpus.is_dir():
        pytest.skip(f"{questions.name} or its corpus is missing")
    # The real engines, each index built once per run.
    engine = request.getfixturevalue(fixture)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_eval_on(engine, ["--questions", str(questions), "--split", "test", *PROJECT_FLOORS[name],
                                          "--failures", "15"], capsys)
    assert code == 0, f"qa eval {questions.name} missed a threshold:\n{out}\n{err}"


def run_eval_on(engine, argv, capsys):
    from qa.cli import evaluate as cli

    args = eval_parser().parse_args(["eval", *argv])
    code = cli.run(args, engine=engine)
    out, err = capsys.readouterr()
    return code, out, err
