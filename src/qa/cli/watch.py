"""`qa index --watch`: rebuild whenever files in the corpus folder change.

Changes are debounced (editors write several times per save; copying many files takes a
while), and each rebuild's summary is logged. Rebuilding is incremental, so a burst of
changes costs only the passages that really changed.
"""

from __future__ import annotations

import logging
import sys
from typing import Callable

log = logging.getLogger(__name__)

DEBOUNCE_MS = 1500  # quiet time after the last change before a rebuild starts


def watch_corpus(engine, report: Callable[[object], None], stop_event=None) -> int:
    from watchfiles import watch

    from qa.engine import EngineError

    corpus = engine.settings.corpus_dir
    print(f"watching {corpus} for changes (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        for changes in watch(corpus, debounce=DEBOUNCE_MS, stop_event=stop_event, raise_interrupt=False):
            names = sorted({str(path) for _change, path in changes})
            print(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}",
                  file=sys.stderr, flush=True)
            try:
                report(engine.build())
            except EngineError as exc:
                print(f"qa: rebuild failed, the previous index stays in use: {exc}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    return 0
