"""PDF, Word and HTML readers: the sample report in each format answers like the text file.

Every fixture is generated here from the sample report's text (nothing binary is checked in):

- a PDF made with reportlab's built-in CID font ``STSong-Light`` (no font files needed):
  several pages, a running header, a footer with the page number, lines wrapped
  mid-sentence at the margin, paragraphs continuing across page breaks, photos (grey boxes)
  with captions interrupting paragraphs;
- a Word file made with python-docx: Title/Subtitle, ``Heading 1`` per donor, ``Caption``
  style for the photo captions;
- an HTML page with a site header, navigation, a sidebar, scripts and a footer around the
  ``<article>``.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLE, make_settings
from qa.indexing.ingest import Document, read_passages
from qa.indexing.readers.base import DocumentError
from qa.indexing.readers.registry import reader_for, supported_extensions
from qa.text import ends_sentence

pypdf = pytest.importorskip("pypdf")
docx = pytest.importorskip("docx")
reportlab = pytest.importorskip("reportlab")

QINGDAO_ZH = "青岛市给夷陵区援助了多少资金"
QINGDAO = "山东省青岛市"
HEADER = "三峡库区对口支援三十年 · 成果纪实"


# -- the sample report, as structured items ----------------------------------------------------


@dataclass
class Item:
    kind: str  # title | subtitle | heading | para | cont (a paragraph resumed after a photo) | caption
    text: str


def sample_items() -> list[Item]:
    """The sample's lines, classified with the text reader's own layout results."""
    passages = read_passages(Document(SAMPLE, SAMPLE.name))
    captions = {p.text for p in passages if p.caption}
    sections = {p.section for p in passages if p.section}
    title = passages[0].title or ""
    items: list[Item] = []
    open_sentence = False
    for line in (raw.strip() for raw in SAMPLE.read_text(encoding="utf-8").splitlines()):
        if not line:
            continue
        if line in title and not items or (items and items[-1].kind == "title" and line in title):
            items.append(Item("subtitle" if items else "title", line))
        elif line in captions:
            items.append(Item("caption", line))
        elif line in sections and not open_sentence:
            items.append(Item("heading", line))
        else:
            items.append(Item("cont" if open_sentence else "para", line))
            open_sentence = not ends_sentence(line)
    assert [i.kind for i in items[:2]] == ["title", "subtitle"]
    return items


# -- fixture writers ---------------------------------------------------------------------------


def write_pdf(path: Path, items: list[Item] | None = None, *, encrypt: str | None = None,
              header: str = HEADER, page_breaks: list | None = None) -> Path:
    """The report as a PDF; ``page_breaks`` collects (page, last line, next line) for each
    paragraph that continues on the next page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    items = sample_items() if items is None else items
    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, bottom = 72.0, width - 72.0, height - 80.0, 80.0
    size, pitch = 11.0, 17.0
    kwargs = {}
    if encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword="owner", strength=128)
    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    state = {"page": 1, "y": top}

    def decorate():
        c.setFont(font, 9)
        c.drawString(left, height - 50, header)
        c.line(left, height - 56, right, height - 56)
        c.drawCentredString(width / 2, 45, f"湖北三峡库区 · 第 {state['page']} 页")

    def new_page():
        c.showPage()
        state["page"] += 1
        state["y"] = top
        decorate()

    def need(space: float):
        if state["y"] - space < bottom:
            new_page()

    def wrap(text: str, first_indent: float, fsize: float) -> list[tuple[float, str]]:
        lines, line, indent = [], "", first_indent
        for ch in text:
            if pdfmetrics.stringWidth(line + ch, font, fsize) > right - left - indent:
                lines.append((indent, line))
                line, indent = "", 0.0
            line += ch
        if line:
            lines.append((indent, line))
        return lines

    decorate()
    for item in items:
        if item.kind in ("title", "subtitle"):
            fsize = 20.0 if item.kind == "title" else 13.0
            need(2 * fsize)
            state["y"] -= 1.6 * fsize
            c.setFont(font, fsize)
            c.drawCentredString(width / 2, state["y"], item.text)
            state["y"] -= 0.6 * fsize
        elif item.kind == "heading":
            need(14 + 3 * pitch)
            state["y"] -= 14 + pitch
            c.setFont(font, 14)
            c.drawString(left, state["y"], item.text)
            state["y"] -= 0.4 * pitch
        elif item.kind == "caption":
            need(110)
            state["y"] -= 80
            c.setFillGray(0.8)
            c.rect(width / 2 - 60, state["y"], 120, 70, fill=1, stroke=0)
            c.setFillGray(0)
            state["y"] -= 14
            c.setFont(font, 9)
            c.drawCentredString(width / 2, state["y"], item.text)
            state["y"] -= 10
        else:
            c.setFont(font, size)
            previous = None
            for indent, line in wrap(item.text, 2 * size if item.kind == "para" else 0.0, size):
                page = state["page"]
                need(pitch)
                if previous is not None and state["page"] != page and page_breaks is not None:
                    page_breaks.append((page, previous, line))
                previous = line
                state["y"] -= pitch
                c.setFont(font, size)
                c.drawString(left + indent, state["y"], line)
    c.showPage()
    c.save()
    return path


def write_docx(path: Path, items: list[Item] | None = None) -> Path:
    items = sample_items() if items is None else items
    document = docx.Document()
    for item in items:
        if item.kind == "title":
            document.add_paragraph(item.text, style="Title")
        elif item.kind == "subtitle":
            document.add_paragraph(item.text, style="Subtitle")
        elif item.kind == "heading":
            document.add_heading(item.text, level=1)
        elif item.kind == "caption":
            document.add_paragraph("")  # where the photo would be
            document.add_paragraph(item.text, style="Caption")
        else:
            document.add_paragraph(item.text)
    document.save(str(path))
    return path


def write_html(path: Path, items: list[Item] | None = None) -> Path:
    from html import escape

    items = sample_items() if items is None else items
    parts = []
    title = subtitle = ""
    for item in items:
        if item.kind == "title":
            title = item.text
        elif item.kind == "subtitle":
            subtitle = item.text
            parts.append(f"<hgroup><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></hgroup>")
        elif item.kind == "heading":
            parts.append(f"<h2>{escape(item.text)}</h2>")
        elif item.kind == "caption":
            parts.append(f'<figure><img src="photo.jpg" alt=""><figcaption>{escape(item.text)}'
                         "</figcaption></figure>")
        else:
            parts.append(f"<p>{escape(item.text)}</p>")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{escape(title)} - 三峡新闻网</title>
<style>body {{ font-family: sans-serif; }}</style>
<script>var tracker = "青岛市 援助 资金 统计"; console.log(tracker);</script>
</head><body>
<header class="site-header"><div class="logo">三峡新闻网</div>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/qd">青岛市援助夷陵区专题</a></li><li><a href="/about">关于我们</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/news">新闻</a> &gt; 正文</div>
<main><article>
{chr(10).join(parts)}
</article>
<aside><h3>相关阅读</h3><ul><li><a href="/a">青岛市援助资金再创新高</a></li>
<li><a href="/b">援助项目一览</a></li></ul></aside>
</main>
<footer><p>版权所有 © 2023 三峡新闻网 · 鄂ICP备12345678号</p><p>联系电话:0717-1234567</p></footer>
<script>document.write("广告");</script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def write_scanned_pdf(path: Path) -> Path:
    """Pages holding only drawings, as a scan holds only images: no text layer."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.setFillGray(0.6)
        c.rect(60, 80, 470, 680, fill=1, stroke=0)
        c.showPage()
    c.save()
    return path


# -- shared fixtures ---------------------------------------------------------------------------

FORMATS = ("pdf", "docx", "html")
WRITERS = {"pdf": write_pdf, "docx": write_docx, "html": write_html}


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return sample_items()


@pytest.fixture(scope="module")
def files(tmp_path_factory, items) -> dict[str, Path]:
    """The sample report in each format, each alone in its own corpus folder."""
    base = tmp_path_factory.mktemp("formats")
    out = {}
    for fmt, writer in WRITERS.items():
        corpus = base / fmt / "corpus"
        corpus.mkdir(parents=True)
        out[fmt] = writer(corpus / f"three-gorges.{fmt}", items)
    corpus = base / "txt" / "corpus"
    corpus.mkdir(parents=True)
    out["txt"] = Path(shutil.copy(SAMPLE, corpus / SAMPLE.name))
    return out


def remember_passage_vectors(embedder) -> None:
    """Encode each passage text once for the whole module: every format yields the same
    passages, so the engines after the first reuse their vectors (queries are not cached)."""
    import numpy as np

    encode = embedder.encode_passages
    known: dict[str, np.ndarray] = {}

    def encode_passages(texts, progress=False):
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, encode(missing, progress=progress)))
        return np.stack([known[t] for t in texts]) if texts else encode(texts)

    embedder.encode_passages = encode_passages


@pytest.fixture(scope="module")
def engines(files, cache_dir) -> dict:
    """One engine per format (and the text original), all sharing one loaded model."""
    from qa.engine import Engine

    built = {}
    embedder = None
    for fmt, path in files.items():
        corpus = path.parent
        engine = Engine(make_settings(corpus.parent, cache_dir, corpus))
        if embedder is None:
            embedder = engine.embedder
            remember_passage_vectors(embedder)
        engine.embedder = embedder
        summary = engine.build()
        assert not summary.skipped, summary.skipped
        built[fmt] = engine
    return built


def passages_of(path: Path):
    return read_passages(Document(path, path.name))


def layout(passages):
    return [(p.section, p.caption, p.text, p.paragraph, p.title) for p in passages]


# -- readers -----------------------------------------------------------------------------------


def test_registry_offers_every_format():
    assert {".txt", ".md", ".pdf", ".docx", ".html", ".htm"} <= supported_extensions()
    assert reader_for(Path("a.PDF")) is not None
    assert reader_for(Path("a.xyz")) is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_into_the_same_passages_as_the_text(files, fmt):
    """Title, sections, captions kept apart, broken sentences rejoined: all as in the .txt."""
    original = passages_of(files["txt"])
    converted = passages_of(files[fmt])
    assert layout(converted) == layout(original)
    (qingdao,) = [p for p in converted if "9788.1" in p.text]
    assert qingdao.section == QINGDAO and qingdao.heading_path == (QINGDAO,)


def test_pdf_fixture_has_the_layout_problems_the_reader_must_repair(files):
    """The generated PDF really has running lines, page numbers and mid-sentence wraps."""
    reader = pypdf.PdfReader(str(files["pdf"]))
    assert len(reader.pages) >= 5
    raw = [page.extract_text() for page in reader.pages]
    assert all(HEADER in text for text in raw)
    assert all(f"第 {n} 页" in text for n, text in enumerate(raw, start=1))
    lines = [line for text in raw for line in text.splitlines() if len(line) > 30]
    assert sum(1 for line in lines if not ends_sentence(line)) > 50


def test_pdf_drops_running_lines_and_keeps_pages(files):
    passages = passages_of(files["pdf"])
    pages = len(pypdf.PdfReader(str(files["pdf"])).pages)
    assert all(HEADER not in p.text and "湖北三峡库区 · 第" not in p.text for p in passages)
    assert all(p.page is not None and 1 <= p.page <= pages for p in passages)
    assert [p.page for p in passages] == sorted(p.page for p in passages)
    assert {p.page for p in passages} == set(range(1, pages + 1))


def test_pdf_rejoins_a_paragraph_continued_on_the_next_page(tmp_path, items):
    breaks: list = []
    path = write_pdf(tmp_path / "report.pdf", items, page_breaks=breaks)
    assert breaks, "the fixture should continue a paragraph across a page break"
    passages = passages_of(path)
    for page, last_line, next_line in breaks:
        (holder,) = [p for p in passages if last_line + next_line in p.text]
        assert holder.page <= page and ends_sentence(holder.text)


def test_docx_styles_give_headings_title_and_captions(files):
    from qa.indexing.readers.docx import DocxReader

    blocks = DocxReader().read(files["docx"])
    assert blocks[0].heading_level == 1 and blocks[0].text.startswith("感恩支援情")
    assert "——全国对口支援" in blocks[0].text  # the subtitle joins the title
    headings = [b.text for b in blocks if b.heading_level == 2]
    assert QINGDAO in headings and len(headings) == 8
    captions = [b.text for b in blocks if b.caption]
    assert "北京市援建的巴东县民族医院。" in captions and len(captions) == 16


def test_html_keeps_the_article_without_boilerplate(files):
    from qa.indexing.readers.html import HtmlReader

    blocks = HtmlReader().read(files["html"])
    text = "\n".join(b.text for b in blocks)
    for boilerplate in ("三峡新闻网", "首页", "相关阅读", "版权所有", "tracker", "广告", "正文"):
        assert boilerplate not in text
    assert blocks[0].heading_level == 1 and "——全国对口支援" in blocks[0].text
    assert sum(1 for b in blocks if b.caption) == 16


def test_html_without_article_element_drops_menus_by_class_and_link_density(tmp_path):
    from qa.indexing.readers.html import HtmlReader

    page = tmp_path / "old.htm"
    page.write_bytes("""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>旧网页</title></head><body>
<div id="top-nav"><a href="/">首页</a> | <a href="/x">栏目</a></div>
<div class="menu"><ul><li><a href="/1">链接一</a></li><li><a href="/2">链接二</a></li></ul></div>
<table><tr><td><div class="content"><h2>山东省青岛市</h2>
<p>1992年以来,青岛市累计无偿援助
夷陵区资金9788.1万元,援建项目185个。</p>
<ul class="list"><li><a href="/3">更多新闻</a></li><li><a href="/4">往期回顾</a></li></ul>
</div></td></tr></table>
<div class="footer">Copyright 2023</div></body></html>""".encode("gb18030"))
    blocks = HtmlReader().read(page)
    assert [(b.text, b.heading_level) for b in blocks] == [
        ("山东省青岛市", 2),
        ("1992年以来,青岛市累计无偿援助夷陵区资金9788.1万元,援建项目185个。", None),
    ]


# -- the real engine, one per format -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_answers_the_qingdao_question_citing_page_or_heading(engines, fmt):
    from qa.cli.common import format_citation

    answer = engines[fmt].ask(QINGDAO_ZH)
    assert answer.answered and "9788.1" in answer.answer
    first = answer.citations[0]
    assert "9788.1" in first.passage.text and first.passage.doc == f"three-gorges.{fmt}"
    assert first.passage.section == QINGDAO and first.passage.heading_path == (QINGDAO,)
    shown = format_citation(first.to_dict())
    if fmt == "pdf":
        assert first.passage.page is not None and first.passage.page > 1
        assert f"three-gorges.pdf, p. {first.passage.page}, {QINGDAO}" in shown
    else:
        assert first.passage.page is None and f"three-gorges.{fmt}, {QINGDAO}" in shown


QUESTIONS = [
    QINGDAO_ZH,
    "how much did Qingdao give Yiling",
    "上海市无偿援助夷陵区多少资金",
    "北京市累计实施援助项目多少个",
    "How much did Guangxi give Fuling?",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_questions_get_the_same_answers_whatever_the_format(engines, fmt):
    for question in QUESTIONS:
        original = engines["txt"].ask(question)
        converted = engines[fmt].ask(question)
        assert converted.answered == original.answered, question
        assert converted.answer == original.answer, question
        assert [c.passage.text for c in converted.citations] == \
            [c.passage.text for c in original.citations], question


# -- files that cannot be read -------------------------------------------------------------------


def write_broken_files(folder: Path, items) -> dict[str, str]:
    """Broken files of every kind, and the word their skip warning must contain."""
    good_pdf = write_pdf(folder / "good.tmp", items).read_bytes()
    (folder / "good.tmp").unlink()
    good_docx = write_docx(folder / "good-docx.tmp", items[:8]).read_bytes()
    (folder / "good-docx.tmp").unlink()
    write_scanned_pdf(folder / "scanned.pdf")
    write_pdf(folder / "locked.pdf", items[:20], encrypt="secret")
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    damaged = bytearray(good_pdf)
    damaged[len(damaged) // 3: len(damaged) // 3 + 3000] = bytes(range(256)) * 11 + bytes(184)
    (folder / "damaged.pdf").write_bytes(bytes(damaged))
    (folder / "not-really.pdf").write_text("just some text, not a PDF", encoding="utf-8")
    (folder / "truncated.docx").write_bytes(good_docx[: len(good_docx) // 2])
    (folder / "binary.html").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.xyz").write_text("青岛市援助了一百亿元。", encoding="utf-8")
    return {
        "scanned.pdf": "no text layer",
        "locked.pdf": "password",
        "truncated.pdf": "damaged",
        "damaged.pdf": "",
        "not-really.pdf": "not a PDF",
        "truncated.docx": "damaged",
        "binary.html": "binary",
        "notes.xyz": "unsupported file type",
    }


@pytest.fixture(scope="module")
def broken(tmp_path_factory, items) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("broken") / "corpus"
    folder.mkdir()
    return folder, write_broken_files(folder, items)


def test_each_broken_file_is_refused_whole_with_a_reason(broken):
    folder, expected = broken
    for name, why in expected.items():
        if name.endswith(".xyz"):
            continue
        with pytest.raises(DocumentError) as info:
            read_passages(Document(folder / name, name))
        assert why.lower() in str(info.value).lower(), (name, str(info.value))


def test_pdf_with_an_empty_user_password_is_read(tmp_path, items):
    path = write_pdf(tmp_path / "open.pdf", items[:20], encrypt="")
    assert pypdf.PdfReader(str(path)).is_encrypted
    passages = passages_of(path)
    assert passages and passages[0].title.startswith("感恩支援情")


def test_broken_files_are_skipped_with_a_warning_and_the_good_file_is_indexed(
        broken, engines, files, tmp_path, cache_dir, caplog):
    from qa.engine import Engine

    folder, expected = broken
    corpus = tmp_path / "corpus"
    shutil.copytree(folder, corpus)
    shutil.copy(files["docx"], corpus / "three-gorges.docx")
    engine = Engine(make_settings(tmp_path, cache_dir, corpus))
    engine.embedder = engines["txt"].embedder
    with caplog.at_level(logging.WARNING):
        summary = engine.build()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    for name in expected:
        assert any(name in w and "skipping" in w for w in warnings), (name, warnings)
    assert set(summary.skipped) == set(expected) - {"notes.xyz"}
    documents = engine.store.read_manifest()["documents"]
    assert {rel for rel, info in documents.items() if info["passages"]} == {"three-gorges.docx"}
    answer = engine.ask(QINGDAO_ZH)
    assert "9788.1" in answer.answer and answer.citations[0].passage.doc == "three-gorges.docx"


def test_docx_tables_outline_levels_and_styles_based_on_headings(tmp_path):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from qa.indexing.readers.docx import DocxReader

    document = docx.Document()
    document.add_heading("对口支援资金", level=1)
    custom = document.styles.add_style("Donor Heading", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = document.styles["Heading 2"]
    document.add_paragraph("山东省青岛市", style="Donor Heading")
    table = document.add_table(rows=2, cols=2)
    for row, (name, amount) in zip(table.rows, [("援助方", "金额"), ("青岛市", "9788.1万元")]):
        row.cells[0].text, row.cells[1].text = name, amount
    outlined = document.add_paragraph("大事记")
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    outlined._p.get_or_add_pPr().append(level)
    document.add_paragraph("1992年,对口支援开始。")
    path = tmp_path / "table.docx"
    document.save(str(path))
    blocks = DocxReader().read(path)
    assert [(b.text, b.heading_level) for b in blocks] == [
        ("对口支援资金", 1),
        ("山东省青岛市", 2),
        ("援助方 | 金额; 青岛市 | 9788.1万元;", None),
        ("大事记", 2),
        ("1992年,对口支援开始。", None),
    ]
    passages = passages_of(path)
    (row,) = [p for p in passages if "9788.1" in p.text]
    assert row.heading_path == ("山东省青岛市",) and row.title == "对口支援资金"


def test_docx_reads_tracked_insertions_and_line_breaks_but_not_deletions(tmp_path):
    from docx.oxml import parse_xml

    from qa.indexing.readers.docx import DocxReader

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    paragraph = document.add_paragraph("青岛市累计无偿援助")
    paragraph._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>夷陵区</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>宜昌市</w:delText></w:r></w:del>'))
    paragraph.add_run("资金").add_break()
    paragraph.add_run("9788.1万元。")
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    assert [b.text for b in DocxReader().read(path)] == ["青岛市累计无偿援助夷陵区资金9788.1万元。"]
