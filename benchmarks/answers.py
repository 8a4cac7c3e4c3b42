"""Answer checks shared by the warm and memory sections: an answer reduced to what is
compared, the evaluation figures of a list of answers, and the comparison of two lists."""

from __future__ import annotations

from benchmarks.harness import QUESTIONS


def compact_answer(answer) -> dict:
    return {"answered": bool(answer.answered), "answer": answer.answer or "",
            "ids": [c.passage.id for c in answer.citations]}


def evaluate_answers(answers: list) -> dict:
    """Evaluation figures of a list of Answer objects (in question-set order)."""
    from qa.evaluation.questions import load_questions
    from qa.evaluation.runner import record_answer

    questions = load_questions(QUESTIONS)[:len(answers)]
    records = [record_answer(q, a, k=len(a.citations) or 5, latency_ms=0.0) for q, a in zip(questions, answers)]
    answerable = [r for r in records if r.source is not None]
    unanswerable = [r for r in records if r.source is None]
    return {
        "questions": len(records),
        "answer_correct": sum(1 for r in answerable if r.answer_correct),
        "hit_at_1": sum(1 for r in answerable if 1 in r.relevant_ranks),
        "hit_at_3": sum(1 for r in answerable if any(x <= 3 for x in r.relevant_ranks)),
        "abstained_correctly": sum(1 for r in unanswerable if r.answer_correct),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }


def compare_answers(reference: list[dict], other: list[dict]) -> dict:
    pairs = list(zip(reference, other))
    return {
        "compared": len(pairs),
        "same_answer_text": sum(1 for a, b in pairs if a["answer"] == b["answer"] and a["answered"] == b["answered"]),
        "same_citations": sum(1 for a, b in pairs if a["ids"] == b["ids"]),
        "same_first_citation": sum(1 for a, b in pairs if a["ids"][:1] == b["ids"][:1]),
    }
