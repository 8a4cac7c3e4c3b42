"""`qa chat`: an interactive terminal session over the engine (model loaded once)."""

from __future__ import annotations

from qa.cli.common import eprint, fail, format_citation, make_engine, print_json

HELP = ("Ask a question; a follow-up (\"and Shanghai?\", \"那2024年呢\") is read with the last one. "
        "`/show N` prints cited passage N in full, `/new` forgets the last question, `/quit` leaves.")


def register(subparsers, parents) -> None:
    parser = subparsers.add_parser("chat", parents=parents, help="ask questions interactively")
    parser.add_argument("-k", type=int, default=None, help="how many passages to cite")
    parser.add_argument("--json", action="store_true",
                        help="print each answer as one JSON line (with resolved_question for a follow-up)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from qa.conversation import Conversation
    from qa.engine import EngineError, QuestionError

    engine = make_engine(args)
    try:
        engine.ensure_index(progress=True)
        eprint("loading the model ...")
        engine.load()
    except EngineError as exc:
        return fail(str(exc))
    if args.json:
        eprint(HELP)
    else:
        print(HELP)
    conversation = Conversation(engine)
    last = None
    while True:
        try:
            line = input("" if args.json else "? ").strip()
        except EOFError:
            if not args.json:
                print()
            return 0
        if line in ("/quit", "/exit", "/q"):
            return 0
        if line.startswith("/show"):
            _show_passage(last, line)
            continue
        if line == "/new":
            conversation.reset()
            continue
        if not line:
            continue
        if engine.reload_if_changed():
            eprint("(a new index version is now in use)")
        try:
            last = conversation.ask(line, k=args.k)
        except QuestionError as exc:
            print(exc)
            continue
        if args.json:
            print_json(last.to_dict())
            continue
        if last.resolved_question:
            print(f"(read as: {last.resolved_question})")
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
