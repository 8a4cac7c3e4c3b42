"""``qa eval``: how good are the answers, where do they fail, did a change help?

::

    qa eval --questions questions/three-gorges.jsonl [--json] [-k 10] [--split test] [--lang zh]
            [--min-hit1 X] [--min-hit3 X] [--min-answer X] [--min-abstain X]
            [--failures N] [--plot scores.png]
    qa eval --compare before.json after.json [--json]

Exit codes: 0 every threshold met, 1 a threshold missed, 2 bad input (question set, report,
option or config). Thresholds may also be set in the config file's ``[eval]`` table
(``min_hit1``, ``min_hit3``, ``min_answer``, ``min_abstain``, ``k``, ``failures``); flags win.
Registering this command imports nothing heavy: the engine, ranx and matplotlib are
imported when it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.cli.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, settings_from_args
from qa.config import ConfigError

DEFAULT_K = 10
DEFAULT_FAILURES = 10
_THRESHOLD_OPTIONS = ("min_hit1", "min_hit3", "min_answer", "min_abstain")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a fraction from 0 to 1, got {text}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "eval",
        parents=parents,
        help="evaluate answers against a question set",
        description="Ask every question of a question set (JSON Lines) and report hit@k, MRR, "
        "answer accuracy, abstention and latency, broken down by lang, kind and split; or "
        "compare two --json reports. Exit 0: thresholds met, 1: a threshold missed, 2: bad input.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--questions", nargs="+", metavar="FILE", help="question set(s), JSON Lines")
    source.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"),
                        help="compare two `qa eval --json` reports (B against A)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("-k", type=_positive, default=None, help=f"citations asked for and scored (default {DEFAULT_K})")
    parser.add_argument("--split", help="only questions of this split (e.g. tune, test)")
    parser.add_argument("--lang", help="only questions of this language (en, zh)")
    parser.add_argument("--min-hit1", type=_fraction, metavar="X", help="fail (exit 1) when hit@1 < X")
    parser.add_argument("--min-hit3", type=_fraction, metavar="X", help="fail when hit@3 < X")
    parser.add_argument("--min-answer", type=_fraction, metavar="X", help="fail when answer_accuracy < X")
    parser.add_argument("--min-abstain", type=_fraction, metavar="X", help="fail when abstain_recall < X")
    parser.add_argument("--failures", type=_count, default=None, metavar="N",
                        help=f"failures to show in the table (default {DEFAULT_FAILURES})")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="write a PNG of the top citation's score, answerable vs unanswerable (needs matplotlib)")
    parser.set_defaults(func=run)


def _error(message: str) -> int:
    print(f"qa eval: {message}", file=sys.stderr)
    return EXIT_USAGE


def _from_config(settings, key: str, parse):
    value = settings.eval.get(key)
    if value is None:
        return None
    try:
        return parse(str(value))
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(f"[eval] {key} in the config file: {exc}") from None


def _options(args, settings) -> tuple[int, int, dict[str, float | None]]:
    k = args.k if args.k is not None else (_from_config(settings, "k", _positive) or DEFAULT_K)
    failures = args.failures if args.failures is not None else _from_config(settings, "failures", _count)
    failures = DEFAULT_FAILURES if failures is None else failures
    thresholds = {}
    for option in _THRESHOLD_OPTIONS:
        flag = getattr(args, option)
        thresholds[option] = flag if flag is not None else _from_config(settings, option, _fraction)
    return k, failures, thresholds


def _current_threshold(settings, info: dict) -> float | None:
    """The abstention threshold the engine uses: the config's ``[answer] abstain_threshold``,
    else what the engine reports, else the answer builder's default."""
    for value in (settings.answer.get("abstain_threshold"), info.get("abstain_threshold")):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _open_engine(settings):
    """The real engine, index built if missing, model loaded once."""
    from qa.engine import Engine

    engine = Engine(settings, log_fn=lambda message: print(f"qa eval: {message}", file=sys.stderr))
    if engine.ensure_index(progress=sys.stderr.isatty()):
        print("qa eval: built the index", file=sys.stderr)
    engine.load()
    return engine


def _engine_errors() -> tuple[type, ...]:
    """The engine's "cannot answer" errors: no corpus, damaged index, unusable model."""
    from qa.engine import EngineError, ModelError

    return EngineError, ModelError


def _engine_info(engine) -> dict:
    """The facts about the engine kept in the report; warns when the index is stale."""
    if not callable(getattr(engine, "info", None)):
        return {}
    full = engine.info() or {}
    if full.get("stale"):
        print("qa eval: warning: the corpus changed since the index was built; run `qa index` "
              "to evaluate the current corpus", file=sys.stderr)
    keys = ("model", "documents", "passages", "index_built", "index_version", "stale", "abstain_threshold")
    return {key: full[key] for key in keys if key in full}


def run(args, *, engine=None) -> int:
    """The ``qa eval`` command. ``engine``: a ready engine to use instead of opening the
    configured one (tests pass a stand-in here)."""
    if args.compare:
        return _run_compare(args)

    from qa.evaluation.calibrate import PlotUnavailable, calibrate, plot_scores, require_matplotlib
    from qa.evaluation.metrics import check_gates, evaluate
    from qa.evaluation.questions import QuestionSetError, load_questions, select
    from qa.evaluation.report import build_report, render_text, to_json
    from qa.evaluation.runner import run_questions, stderr_progress

    settings = settings_from_args(args)
    k, failures, thresholds = _options(args, settings)
    try:
        questions = load_questions(args.questions)
    except QuestionSetError as exc:
        for file, line, message in exc.problems:
            where = f"{file}:{line}" if line is not None else file
            print(f"qa eval: {where}: {message}", file=sys.stderr)
        print(f"qa eval: {len(exc.problems)} problem(s) in the question set; nothing was evaluated",
              file=sys.stderr)
        return EXIT_USAGE
    questions = select(questions, split=args.split, lang=args.lang)
    if not questions:
        wanted = ", ".join(f"{n}={v}" for n, v in (("split", args.split), ("lang", args.lang)) if v)
        return _error(f"no questions with {wanted}")
    if args.plot:
        try:
            require_matplotlib()
        except PlotUnavailable as exc:
            return _error(str(exc))
        parent = Path(args.plot).resolve().parent
        if not parent.is_dir():
            return _error(f"--plot: folder {parent} does not exist")

    errors = _engine_errors()
    try:
        if engine is None:
            engine = _open_engine(settings)
        info = _engine_info(engine)
        records = run_questions(engine, questions, k=k, progress=stderr_progress)
    except errors as exc:  # no corpus, an index or a model that cannot be used
        return _error(str(exc))
    evaluation = evaluate(records, k=k)
    gates = check_gates(evaluation["metrics"], thresholds)
    calibration = calibrate(records, _current_threshold(settings, info))
    report = build_report(evaluation, records, gates, calibration, k, [str(p) for p in args.questions], info,
                          filters={"split": args.split, "lang": args.lang})

    if args.plot:
        title = f"Top citation score ({len(records)} questions, k={k})"
        plot_scores(calibration, args.plot, title=title)
        print(f"qa eval: wrote {args.plot}", file=sys.stderr)
    if args.json:
        print(to_json(report))
    else:
        print(render_text(report, records, failures=failures))
    return EXIT_OK if report["passed"] else EXIT_FAILED


def _run_compare(args) -> int:
    from qa.evaluation.compare import ReportError, compare_reports, load_report, render_comparison
    from qa.evaluation.report import to_json

    name_a, name_b = args.compare
    try:
        a, b = load_report(name_a), load_report(name_b)
    except ReportError as exc:
        return _error(str(exc))
    comparison = compare_reports(a, b)
    if args.json:
        print(to_json(comparison))
    else:
        texts = {str(r["id"]): r.get("question") for r in a["questions"]}
        texts.update({str(r["id"]): r.get("question") for r in b["questions"]})
        print(render_comparison(comparison, name_a, name_b, texts))
    return EXIT_OK
