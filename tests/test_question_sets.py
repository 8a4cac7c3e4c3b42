"""Validate the committed evaluation question sets against the corpora they are about.

Each set is a JSON Lines file; every line is one question::

    {"id": ..., "question": ..., "answers": [...], "source": "short verbatim quote" | null,
     "lang": "en" | "zh" | "mixed", "kind": ..., "split": "tune" | "test"}

``source`` must be a short quote from a single line of the corpus (a paragraph, a piece of a
paragraph interrupted by a photo caption, or a caption), and every answer must occur in that
line. Comparison is done after Unicode NFKC normalisation with all whitespace removed, so
full-width and half-width punctuation compare equal.

Section headings are found generically (no list is hard-coded): in Markdown, ``#`` lines; in
plain text, a short line without sentence punctuation whose next non-blank line is a paragraph
(a line with sentence punctuation). Every heading whose section holds at least one paragraph
must be covered by the source of at least one question.

Only the standard library and pytest are used.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SETS = {
    "three-gorges": {
        "path": ROOT / "questions" / "three-gorges.jsonl",
        "corpus": ROOT / "corpus",
        "min_questions": 130,
        "min_unanswerable": 15,
        "min_test": 40,
    },
    "second-corpus": {
        "path": ROOT / "questions" / "second-corpus.jsonl",
        "corpus": ROOT / "examples" / "second-corpus",
        "min_questions": 35,
        "min_unanswerable": 8,
        "min_test": 12,
    },
}

REQUIRED_KEYS = {"id", "question", "answers", "source", "lang", "kind", "split"}
LANGS = {"en", "zh", "mixed"}
KINDS = {"amount", "count", "year", "name", "which", "unanswerable"}
SPLITS = {"tune", "test"}
TEXT_SUFFIXES = {".txt", ".md"}

# After NFKC, full-width ,;:!?. become ASCII; the ideographic full stop and the enumeration
# comma stay as they are.
SENTENCE_PUNCTUATION = set("。.,!?;:、…")
MAX_HEADING_CHARS = 24
SOURCE_MIN_CHARS = 4
SOURCE_MAX_CHARS = 40
MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def norm(text: str) -> str:
    """NFKC, then drop every whitespace character."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def has_sentence_punctuation(text: str) -> bool:
    return any(ch in SENTENCE_PUNCTUATION for ch in norm(text))


@dataclass
class Line:
    doc: str
    number: int  # 1-based line number in the document
    raw: str
    text: str  # normalised
    heading: bool
    section: tuple[str, int] | None  # (doc, line number of the heading) the line sits under


def read_document(path: Path, doc: str) -> list[Line]:
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    markdown = path.suffix.lower() == ".md"
    headings: set[int] = set()
    for i, raw in enumerate(raw_lines):
        if not raw.strip():
            continue
        if markdown:
            if MD_HEADING.match(raw):
                headings.add(i)
            continue
        text = norm(raw)
        if len(text) > MAX_HEADING_CHARS or has_sentence_punctuation(text):
            continue
        following = next((r for r in raw_lines[i + 1 :] if r.strip()), None)
        if following is not None and has_sentence_punctuation(following):
            headings.add(i)
    lines: list[Line] = []
    section: tuple[str, int] | None = None
    for i, raw in enumerate(raw_lines):
        if not raw.strip():
            continue
        if i in headings:
            section = (doc, i + 1)
            match = MD_HEADING.match(raw) if markdown else None
            text = norm(match.group(2)) if match else norm(raw)
            lines.append(Line(doc, i + 1, raw, text, True, section))
        else:
            lines.append(Line(doc, i + 1, raw, norm(raw), False, section))
    return lines


def read_corpus(folder: Path) -> list[Line]:
    lines: list[Line] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            lines.extend(read_document(path, path.relative_to(folder).as_posix()))
    return lines


def sections_needing_coverage(lines: list[Line]) -> dict[tuple[str, int], str]:
    """Headings whose section holds at least one paragraph line -> heading text."""
    titles = {line.section: line.raw.strip() for line in lines if line.heading}
    needed = {}
    for line in lines:
        if not line.heading and line.section is not None and has_sentence_punctuation(line.raw):
            needed[line.section] = titles[line.section]
    return needed


def load_questions(path: Path) -> tuple[list[dict], list[str]]:
    records, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            problems.append(f"line {number}: blank line")
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc})")
            continue
        if not isinstance(record, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        records.append(record)
    return records, problems


def record_problems(record: dict) -> list[str]:
    """Problems with one record on its own (no corpus needed)."""
    rid = record.get("id")
    problems = []
    missing = REQUIRED_KEYS - record.keys()
    if missing:
        return [f"{rid}: missing keys {sorted(missing)}"]
    extra = record.keys() - REQUIRED_KEYS
    if extra:
        problems.append(f"{rid}: unexpected keys {sorted(extra)}")
    if not isinstance(rid, str) or not rid.strip():
        problems.append(f"{rid!r}: id must be a non-empty string")
    if not isinstance(record["question"], str) or not record["question"].strip():
        problems.append(f"{rid}: empty question")
    if record["lang"] not in LANGS:
        problems.append(f"{rid}: lang {record['lang']!r} not in {sorted(LANGS)}")
    if record["kind"] not in KINDS:
        problems.append(f"{rid}: kind {record['kind']!r} not in {sorted(KINDS)}")
    if record["split"] not in SPLITS:
        problems.append(f"{rid}: split {record['split']!r} not in {sorted(SPLITS)}")
    answers, source = record["answers"], record["source"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        problems.append(f"{rid}: answers must be a list of non-empty strings")
        return problems
    if source is None:
        if answers:
            problems.append(f"{rid}: source is null but answers are given")
        if record["kind"] != "unanswerable":
            problems.append(f"{rid}: source is null but kind is {record['kind']!r}")
    else:
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{rid}: source must be a non-empty string or null")
            return problems
        if not answers:
            problems.append(f"{rid}: source given but answers empty")
        if record["kind"] == "unanswerable":
            problems.append(f"{rid}: kind unanswerable but a source is given")
        if "\n" in source or "\r" in source:
            problems.append(f"{rid}: source spans a line break")
        if not SOURCE_MIN_CHARS <= len(norm(source)) <= SOURCE_MAX_CHARS:
            problems.append(
                f"{rid}: source should be a short quote ({SOURCE_MIN_CHARS}-{SOURCE_MAX_CHARS} "
                f"characters), got {len(norm(source))}"
            )
    return problems


def source_lines(record: dict, lines: list[Line]) -> list[Line]:
    quote = norm(record["source"])
    return [line for line in lines if quote in line.text]


def corpus_problems(record: dict, lines: list[Line]) -> list[str]:
    """Problems with a record measured against its corpus."""
    if record.get("source") is None or not isinstance(record.get("source"), str):
        return []
    rid = record["id"]
    holders = source_lines(record, lines)
    if not holders:
        return [f"{rid}: source {record['source']!r} not found in any single corpus line"]
    problems = []
    for answer in record["answers"]:
        if not any(norm(answer) in line.text for line in holders):
            where = ", ".join(f"{line.doc}:{line.number}" for line in holders)
            problems.append(f"{rid}: answer {answer!r} not in the line holding the source ({where})")
    return problems


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module", params=sorted(SETS))
def qset(request):
    spec = SETS[request.param]
    assert spec["path"].is_file(), f"missing question set {spec['path']}"
    assert spec["corpus"].is_dir(), f"missing corpus folder {spec['corpus']}"
    records, problems = load_questions(spec["path"])
    lines = read_corpus(spec["corpus"])
    assert lines, f"no .txt/.md text under {spec['corpus']}"
    return {"name": request.param, "spec": spec, "records": records, "parse": problems,
            "lines": lines}


def well_formed(qset) -> list[dict]:
    return [r for r in qset["records"] if not record_problems(r)]


# --------------------------------------------------------------------------------------------
# tests over the committed sets


def test_every_line_parses(qset):
    assert not qset["parse"], "\n".join(qset["parse"])


def test_records_are_well_formed(qset):
    problems = [p for r in qset["records"] for p in record_problems(r)]
    assert not problems, "\n".join(problems)


def test_ids_unique(qset):
    counts = Counter(r.get("id") for r in qset["records"])
    duplicates = sorted(str(i) for i, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate ids: {duplicates}"


def test_ids_unique_across_sets():
    seen: dict[str, str] = {}
    clashes = []
    for name, spec in SETS.items():
        records, _ = load_questions(spec["path"])
        for record in records:
            rid = record.get("id")
            if rid in seen and seen[rid] != name:
                clashes.append(f"{rid} in {seen[rid]} and {name}")
            seen.setdefault(rid, name)
    assert not clashes, "\n".join(clashes)


def test_sources_and_answers_are_in_the_corpus(qset):
    problems = [p for r in well_formed(qset) for p in corpus_problems(r, qset["lines"])]
    assert not problems, "\n".join(problems)


def test_sizes(qset):
    spec, records = qset["spec"], qset["records"]
    assert len(records) >= spec["min_questions"], f"{len(records)} questions"
    unanswerable = sum(1 for r in records if r.get("source") is None)
    assert unanswerable >= spec["min_unanswerable"], f"{unanswerable} unanswerable"
    test = sum(1 for r in records if r.get("split") == "test")
    assert test >= spec["min_test"], f"{test} questions in test"
    tune = sum(1 for r in records if r.get("split") == "tune")
    assert tune > test, f"tune ({tune}) should be the larger split (test: {test})"


def test_languages_in_both_splits(qset):
    present = {(r.get("split"), r.get("lang")) for r in qset["records"]}
    for split in sorted(SPLITS):
        for lang in ("en", "zh"):
            assert (split, lang) in present, f"no {lang} question in {split}"
    assert any(r.get("lang") == "mixed" for r in qset["records"]), "no mixed-language question"


def test_answerable_and_unanswerable_in_both_splits(qset):
    for split in sorted(SPLITS):
        rows = [r for r in qset["records"] if r.get("split") == split]
        assert any(r.get("source") is None for r in rows), f"no unanswerable question in {split}"
        assert any(r.get("source") is not None for r in rows), f"no answerable question in {split}"


def test_headings_are_found(qset):
    """Guard for the coverage test: the generic heading finder must see real structure."""
    by_doc = Counter(line.doc for line in qset["lines"] if line.heading)
    docs = {line.doc for line in qset["lines"]}
    for doc in docs:
        assert by_doc[doc] >= 2, f"{doc}: only {by_doc[doc]} heading(s) found"


def test_every_section_is_covered(qset):
    lines = qset["lines"]
    needed = sections_needing_coverage(lines)
    covered = set()
    for record in well_formed(qset):
        if record["source"] is None:
            continue
        for line in source_lines(record, lines):
            if line.section is not None:
                covered.add(line.section)
    missing = [f"{doc}:{number} {title}" for (doc, number), title in needed.items()
               if (doc, number) not in covered]
    assert not missing, "sections without a question:\n" + "\n".join(sorted(missing))


# --------------------------------------------------------------------------------------------
# the checks themselves must be able to fail

SAMPLE = (
    "\n\n报告标题 副标题\n\n——某某纪实\n\n导言第一句,第二句。\n\n甲省乙市\n\n"
    "乙市累计无偿援助丙县资金1,234.5万元,援建项目56个。援建丙县人民医\n\n\n\n"
    "乙市援建的丙县人民医院。\n\n院门诊楼等项目。\n\n丁省\n\n丁省援建学校12所。\n"
)


def test_checks_can_fail(tmp_path):
    doc = tmp_path / "sample.txt"
    doc.write_text(SAMPLE, encoding="utf-8")
    lines = read_corpus(tmp_path)
    headings = [line.raw for line in lines if line.heading]
    assert headings == ["——某某纪实", "甲省乙市", "丁省"]

    good = {"id": "a", "question": "q", "answers": ["1,234.5"], "source": "无偿援助丙县资金1,234.5万元",
            "lang": "en", "kind": "amount", "split": "tune"}
    assert record_problems(good) == [] and corpus_problems(good, lines) == []

    broken = [
        {**good, "answers": []},  # source without answers
        {**good, "source": None},  # answers without source
        {**good, "lang": "fr"},
        {**good, "kind": "yes-no"},
        {**good, "split": "train"},
        {k: v for k, v in good.items() if k != "split"},
        {**good, "source": "援建丙县人民医\n院门诊楼"},  # spans a caption break
        {**good, "source": "这是一个相当长的来源引文" * 5},
    ]
    for record in broken:
        assert record_problems(record), record
    # quotes that do not sit on a single line of the corpus, or answers outside that line
    assert corpus_problems({**good, "source": "人民医院门诊楼"}, lines)
    assert corpus_problems({**good, "source": "援建项目56个"[:-1] + "7个"}, lines)
    assert corpus_problems({**good, "answers": ["12"]}, lines)
    # NFKC: full-width digits and commas compare equal
    assert corpus_problems({**good, "source": "无偿援助丙县资金1,234.5万元"}, lines) == []

    # coverage: a question on 甲省乙市 leaves 丁省 and the introduction uncovered
    needed = sections_needing_coverage(lines)
    assert sorted(needed.values()) == sorted(["——某某纪实", "甲省乙市", "丁省"])
