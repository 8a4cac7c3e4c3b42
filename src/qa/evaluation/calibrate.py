"""Choosing the abstention threshold from the top citation's score.

For a threshold t the engine would answer a question whose top citation scores at least t
and refuse the rest. A question is then *right* when

- it is unanswerable and refused (top score below t, or no citation at all), or
- it is answerable, answered (top score >= t), and the answer would be correct: the judged
  answer when the engine did answer it, otherwise (it refused, so there is no answer text to
  judge) whether the top citation holds the source (hit@1).

:func:`calibrate` counts right questions for every distinct cut between observed scores and
suggests the middle of the best range (keeping the current threshold when it is already in
one). The engine also refuses by rules other than the score; those refusals stay whatever
the threshold, so the count is an estimate to check by running ``qa eval`` again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.evaluation.records import QuestionRecord

PLOT_INSTALL_HINT = "--plot needs matplotlib: pip install 'report-qa[plot]' (or: pip install matplotlib)"


class PlotUnavailable(Exception):
    """matplotlib is not installed."""


@dataclass
class Calibration:
    current: float | None  # the engine's abstain_threshold, None when not configured
    current_right: int | None  # right questions at the current threshold
    suggested: float | None  # None when no question has a score
    suggested_right: int
    total: int
    answerable_scores: list[float] = field(default_factory=list)
    unanswerable_scores: list[float] = field(default_factory=list)

    def to_dict(self) -> dict:
        def r(x):
            return None if x is None else round(float(x), 6)

        return {
            "current_threshold": r(self.current),
            "current_right": self.current_right,
            "suggested_threshold": r(self.suggested),
            "suggested_right": self.suggested_right,
            "questions": self.total,
        }


def _would_be_right(record: QuestionRecord) -> bool:
    if record.answered and record.answer_correct is not None:
        return bool(record.answer_correct)
    return record.hit_rank == 1


def right_at(records: list[QuestionRecord], threshold: float) -> int:
    """Questions right if the engine answered exactly those with top score >= threshold."""
    right = 0
    for record in records:
        answers = record.top_score is not None and record.top_score >= threshold
        if record.answerable:
            right += answers and _would_be_right(record)
        else:
            right += not answers
    return right


def calibrate(records: list[QuestionRecord], current: float | None = None) -> Calibration:
    scores = sorted({float(r.top_score) for r in records if r.top_score is not None})
    calibration = Calibration(
        current=current,
        current_right=right_at(records, current) if current is not None else None,
        suggested=None,
        suggested_right=right_at(records, float("inf")),
        total=len(records),
        answerable_scores=[float(r.top_score) for r in records if r.answerable and r.top_score is not None],
        unanswerable_scores=[float(r.top_score) for r in records if not r.answerable and r.top_score is not None],
    )
    if not scores:
        return calibration
    # Interval i holds the thresholds that answer exactly the scores >= scores[i]:
    # (scores[i-1], scores[i]]; interval len(scores) refuses everything.
    n = len(scores)
    rights = [right_at(records, scores[i]) for i in range(n)] + [right_at(records, float("inf"))]
    best = max(rights)
    # Maximal runs of adjacent intervals reaching the best count.
    runs, start = [], None
    for i, value in enumerate(rights + [None]):
        if value == best and start is None:
            start = i
        elif value != best and start is not None:
            runs.append((start, i - 1))
            start = None

    def bounds(run):
        low = scores[run[0] - 1] if run[0] > 0 else None  # exclusive
        high = scores[run[1]] if run[1] < n else None  # inclusive
        return low, high

    def holds(run, t):
        low, high = bounds(run)
        return (low is None or t > low) and (high is None or t <= high)

    chosen = next((run for run in runs if current is not None and holds(run, current)), None)
    if chosen is not None:
        suggested = current
    else:
        low, high = bounds(runs[0])  # the lowest best range: answers the most
        if low is None:
            suggested = high
        elif high is None:
            suggested = low + max(1e-4, abs(low) * 1e-4)
        else:
            suggested = (low + high) / 2
    calibration.suggested = suggested
    calibration.suggested_right = best
    return calibration


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailable(PLOT_INSTALL_HINT) from None


def plot_scores(calibration: Calibration, path, title: str = "") -> None:
    """A PNG: histograms of the top citation's score, answerable vs unanswerable questions,
    with the current and the suggested thresholds marked."""
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    answerable, unanswerable = calibration.answerable_scores, calibration.unanswerable_scores
    everything = answerable + unanswerable + [t for t in (calibration.current, calibration.suggested) if t is not None]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    try:
        if everything:
            low, high = min(everything), max(everything)
            pad = (high - low) * 0.05 or 0.05
            bins = [low - pad + i * (high - low + 2 * pad) / 30 for i in range(31)]
            ax.hist(answerable, bins=bins, alpha=0.6, color="tab:blue", label=f"answerable ({len(answerable)})")
            ax.hist(unanswerable, bins=bins, alpha=0.6, color="tab:orange", label=f"unanswerable ({len(unanswerable)})")
        if calibration.current is not None:
            ax.axvline(calibration.current, color="tab:red", linestyle="--", linewidth=2,
                       label=f"current threshold {calibration.current:.4f} ({calibration.current_right}/{calibration.total} right)")
        else:
            ax.plot([], [], " ", label="current threshold: not set ([answer] abstain_threshold)")
        if calibration.suggested is not None and calibration.suggested != calibration.current:
            ax.axvline(calibration.suggested, color="tab:green", linestyle=":", linewidth=2,
                       label=f"suggested {calibration.suggested:.4f} ({calibration.suggested_right}/{calibration.total} right)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("top citation score")
        ax.set_ylabel("questions")
        ax.set_title(title or "Top citation score: answerable vs unanswerable questions")
        ax.legend(loc="best", fontsize="small")
        fig.tight_layout()
        fig.savefig(str(path), format="png")
    finally:
        plt.close(fig)
