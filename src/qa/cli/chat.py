"""`qa chat`: an interactive terminal session over the engine (model loaded once)."""

from __future__ import annotations

from qa.cli.common import eprint, fail, format_citation, make_engine

HELP = "Ask a question. `/show N` prints cited passage N in full, `/quit` leaves."


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("chat", parents=parents, help="ask questions interactively")
    parser.add_argument("-k", type=int, default=None, help="how many passages to cite")
    parser.set_defaults(func=run)


def run(args) -> int:
    from qa.engine import EngineError, QuestionError

    engine = make_engine(args)
    try:
        engine.ensure_index(progress=True)
        eprint("loading the model ...")
        engine.load()
    except EngineError as exc:
        return fail(str(exc))
    print(HELP)
    last = None
    while True:
        try:
            line = input("? ").strip()
        except EOFError:
            print()
            return 0
        if line in ("/quit", "/exit", "/q"):
            return 0
        if line.startswith("/show"):
            _show_passage(last, line)
            continue
        if not line:
            continue
        if engine.reload_if_changed():
            eprint("(a new index version is now in use)")
        try:
            last = engine.ask(line, k=args.k)
        except QuestionError as exc:
            print(exc)
            continue
        print(last.answer)
        heading = "Sources:" if last.answered else "Possibly related:"
        print(heading)
        for citation in last.citations:
            print(f"  [{citation.rank}] {format_citation(citation.to_dict())}")


def _show_passage(answer, line: str) -> None:
    parts = line.split()
    if answer is None or len(parts) != 2 or not parts[1].isdigit():
        print("usage: /show N (after a question)")
        return
    n = int(parts[1])
    if not 1 <= n <= len(answer.citations):
        print(f"no citation [{n}]")
        return
    citation = answer.citations[n - 1]
    print(f"[{n}] {format_citation(citation.to_dict())}\n{citation.passage.text}")
