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
from qa.ingest import Document, read_passages
from qa.readers.base import DocumentError
from qa.readers.registry import reader_for, supported_extensions
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
    for line in (l.strip() for l in SAMPLE.read_text(encoding="utf-8").splitlines()):
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
              header: str = HEADER) -> Path:
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
            need(130)
            state["y"] -= 100
            c.setFillGray(0.8)
            c.rect(width / 2 - 80, state["y"], 160, 90, fill=1, stroke=0)
            c.setFillGray(0)
            state["y"] -= 14
            c.setFont(font, 9)
            c.drawCentredString(width / 2, state["y"], item.text)
            state["y"] -= 10
        else:
            c.setFont(font, size)
            for indent, line in wrap(item.text, 2 * size if item.kind == "para" else 0.0, size):
                need(pitch)
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
