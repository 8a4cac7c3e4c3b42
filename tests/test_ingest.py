"""Ingest of the sample report and of small hand-made layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLE
from qa.indexing.ingest import MAX_PASSAGE_CHARS, CorpusError, Document, load_corpus, read_passages, split_long
from qa.text import normalize


def sample_passages():
    return read_passages(Document(SAMPLE, SAMPLE.name))


def heading_lines(path: Path) -> list[str]:
    """Short lines with no punctuation at all that are followed by a paragraph: the sections."""
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    out = []
    for line, nxt in zip(lines, lines[1:]):
        if len(line) <= 10 and not any(ch in line for ch in "。,,、") and len(nxt) > 30:
            out.append(line)
    return out


def test_every_section_heading_is_recognised():
    passages = sample_passages()
    sections = {p.section for p in passages}
    expected = heading_lines(SAMPLE)
    assert len(expected) >= 5
    assert set(expected) <= sections
    assert None in sections  # the introduction comes before the first heading


def test_title_is_kept_apart_and_does_not_swallow_a_heading():
    passages = sample_passages()
    title = passages[0].title
    assert title and title.startswith("感恩支援情")
    assert "——" in title  # the subtitle line belongs to the title
    assert all(title not in (p.section or "") for p in passages)


def test_caption_interrupting_a_sentence_is_rejoined_and_kept_as_a_passage():
    passages = sample_passages()
    joined = [p for p in passages if "生物医药、先进制造业" in p.text]
    assert len(joined) == 1 and not joined[0].caption
    captions = [p for p in passages if p.caption]
    caption_texts = [p.text for p in captions]
    assert "北京市援建的巴东县民族医院。" in caption_texts
    (hospital,) = [p for p in captions if p.text == "北京市援建的巴东县民族医院。"]
    assert hospital.section == joined[0].section
    # No paragraph text contains a caption glued into it.
    for paragraph in (p for p in passages if not p.caption):
        for caption in caption_texts:
            assert caption not in paragraph.text


def test_no_paragraph_ends_mid_sentence_when_its_continuation_exists():
    passages = [p for p in sample_passages() if not p.caption]
    for p in passages:
        assert p.text.rstrip()[-1] in "。!?”", p.text[-20:]


def test_passages_carry_document_section_and_paragraph():
    passages = sample_passages()
    assert all(p.doc == SAMPLE.name for p in passages)
    numbers = [p.paragraph for p in passages]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)


def test_ids_are_stable_and_unique():
    first = [p.id for p in sample_passages()]
    second = [p.id for p in sample_passages()]
    assert first == second
    assert len(set(first)) == len(first)


def test_long_paragraphs_split_at_sentence_ends_and_share_the_paragraph(tmp_path):
    sentence = "这是一个用于测试的句子,其中包含若干文字和数字123。"
    doc = tmp_path / "long.txt"
    doc.write_text("标题\n\n" + sentence * 60 + "\n\n短段落。\n", encoding="utf-8")
    passages = read_passages(Document(doc, "long.txt"))
    long_pieces = [p for p in passages if p.paragraph == 1]
    assert len(long_pieces) >= 4
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in long_pieces)
    assert all(p.text.endswith("。") for p in long_pieces)
    assert "".join(p.text for p in long_pieces) == sentence * 60
    assert passages[-1].paragraph == 2


def test_split_long_cuts_a_sentence_without_ends():
    text = "甲" * 1200
    pieces = split_long(text)
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in pieces) and "".join(pieces) == text


def test_heading_directly_after_title_is_a_section(tmp_path):
    doc = tmp_path / "report.txt"
    doc.write_text("年度报告\n\n第一部分\n\n这是第一部分的内容,说明了情况。\n\n第二部分\n\n第二部分的内容。\n",
                   encoding="utf-8")
    passages = read_passages(Document(doc, "report.txt"))
    assert passages[0].title == "年度报告"
    assert [p.section for p in passages] == ["第一部分", "第二部分"]


def test_short_continuation_line_is_not_a_caption(tmp_path):
    doc = tmp_path / "r.txt"
    doc.write_text("节\n\n这一段在句子中间被换行打断,后面还有\n\n内容。\n\n下一段完整的文字。\n", encoding="utf-8")
    passages = read_passages(Document(doc, "r.txt"))
    assert not any(p.caption for p in passages)
    assert passages[0].text == "这一段在句子中间被换行打断,后面还有内容。"


def test_markdown_headings_are_sections(tmp_path):
    doc = tmp_path / "r.md"
    doc.write_text("# 报告\n\n## 甲市\n\n甲市援助资金100万元。\n\n### 项目\n\n建设学校3所。\n", encoding="utf-8")
    passages = read_passages(Document(doc, "r.md"))
    assert passages[0].title == "报告"
    assert passages[0].section == "甲市" and passages[1].section == "项目"
    assert passages[1].heading_path == ("甲市", "项目")


def test_invalid_utf8_document_is_skipped_with_its_name(tmp_path, caplog):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("标题\n\n正文内容。\n", encoding="utf-8")
    (corpus / "bad.txt").write_bytes("标题".encode("gbk") + b"\xff\xfe\x00")
    documents, passages, skipped = load_corpus(corpus)
    assert [s.rel for s in skipped] == ["bad.txt"]
    assert "UTF-8" in skipped[0].reason
    assert passages and all(p.doc == "good.txt" for p in passages)
    assert any("bad.txt" in r.getMessage() for r in caplog.records)


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")


def test_normalisation_for_matching():
    assert normalize("9788.1 万元,") == normalize("９７８８．１万元,")
