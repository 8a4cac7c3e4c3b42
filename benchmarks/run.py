"""Benchmarks: speed, memory and scale of the engine, measured as ratios within one run.

    python benchmarks/run.py            # full run (tens of minutes: the 1M-passage scale step)
    python benchmarks/run.py --quick    # smoke-sized run (a few minutes)
    python benchmarks/run.py --quick --out /tmp/bench   # write somewhere else (CI)

Writes ``results.json``, ``scale.png`` and ``table.md`` into ``--out`` (default: this
folder) and prints the table. See ``benchmarks/README.md`` for what each figure means, and
``benchmarks/__init__.py`` for which module measures what.

The machine this runs on is small and shared, so absolute times are noisy: every target
that can be is a ratio of two things measured in the same run, interleaved question by
question (or process by process) so that a burst of load hits both sides alike.

Internal: ``run.py _child MODULE:FUNCTION JSON`` is how the script runs the measured
subprocesses (``harness.child_cmd``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not __package__:  # run as a script: import the siblings as the package ``benchmarks``
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))

# The modules import only the standard library at their top (see benchmarks/__init__.py).
from benchmarks import build, cold, memory, noop, prep, question_profile, report, scale, warm  # noqa: E402
from benchmarks.harness import CHILD_ENV, Context, child_main, load_average, log, machine_info, rnd  # noqa: E402

ALL_SECTIONS = ["prep", "noop", "cold", "warm", "build", "profile", "memory", "scale"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="report-qa benchmarks (see benchmarks/README.md)")
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer repetitions (smoke test)")
    parser.add_argument("--out", default=str(HERE), help="folder for results.json, scale.png, table.md")
    parser.add_argument("--sizes", help="comma-separated synthetic corpus sizes (default 10000,100000,1000000; "
                                        "--quick: 2000,10000)")
    parser.add_argument("--questions", type=int, help="use only the first N questions of the set")
    parser.add_argument("--exact-max", type=int, help="exact search up to this many vectors "
                                                      "(default: qa.storage.faiss_index.EXACT_SEARCH_MAX)")
    parser.add_argument("--no-ivf", action="store_true", help="skip the IVF alternative at sizes above exact-max")
    parser.add_argument("--mem-limit-gib", type=float, default=11.0,
                        help="skip builds whose estimated peak would take the process above this")
    parser.add_argument("--sections", default=",".join(ALL_SECTIONS),
                        help=f"comma-separated subset of {','.join(ALL_SECTIONS)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--milvus", action="store_true",
                        help="scale section: also the Milvus Lite store (needs report-qa[milvus]; minutes at 1M)")
    parser.add_argument("--no-lexical", action="store_true", help="scale section: dense indexes only")
    parser.add_argument("--milvus-min", type=int, default=100_000,
                        help="with --milvus: only at sizes of at least this many passages")
    args = parser.parse_args(argv)
    default_sizes = "2000,10000" if args.quick else "10000,100000,1000000"
    args.sizes = sorted(int(float(s)) for s in (args.sizes or default_sizes).split(","))
    if args.exact_max is None:
        from qa.storage.faiss_index import EXACT_SEARCH_MAX

        args.exact_max = EXACT_SEARCH_MAX
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    return args


def run_sections(ctx: Context) -> None:
    """The chosen sections, in this order; the index build and the engine loaded in this
    process are what the later sections stand on, so they always run."""
    sections = ctx.args.sections
    if "prep" in sections:
        prep.run(ctx)
    build.build_process(ctx)  # also builds the index every later step uses
    if "noop" in sections:
        noop.run(ctx)
    if "cold" in sections:
        cold.run(ctx)
    ctx.load_engine()
    if "warm" in sections:
        warm.run(ctx)
    if "build" in sections:
        build.build_in_process(ctx)
    if "profile" in sections:
        question_profile.run(ctx)
    if "memory" in sections:
        memory.run(ctx)
    if "scale" in sections:
        scale.run(ctx)


def run_benchmark(args) -> int:
    started = time.perf_counter()
    results: dict = {"machine": machine_info()}
    results["config"] = {"quick": args.quick, "sizes": args.sizes, "questions": None, "exact_max": args.exact_max,
                         "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    ctx = Context(args, results)
    try:
        ctx.setup()
        results["config"]["questions"] = len(ctx.questions)
        run_sections(ctx)
    finally:
        ctx.remove_work()
    results["machine"]["load_average_end"] = load_average()
    results["config"]["seconds"] = rnd(time.perf_counter() - started, 1)
    results["targets"] = report.targets(results)
    out = Path(args.out).resolve()
    print(report.write(results, out))
    log(f"wrote {out / 'results.json'}, {out / 'scale.png'}, {out / 'table.md'} "
        f"in {time.perf_counter() - started:.0f} s")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return child_main(argv[1], argv[2])
    for key, value in CHILD_ENV.items():
        os.environ.setdefault(key, value)
    return run_benchmark(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
