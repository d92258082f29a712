"""Tests for index/readers/: real files written to tmp_path, fast and offline."""

from __future__ import annotations

import io
import pathlib
import random
import zipfile

import pytest

from index.errors import unreadable_code
from index.readers import (
    MAX_FILE_SIZE,
    READERS,
    SUPPORTED_SUFFIXES,
    UnreadableSource,
    read_bytes,
    read_source,
)

BIG5_SENTENCE = "在全市“建功新時代、再創新輝煌”解放思想大討論活動總結大會上的講話"
GB_SENTENCE = "市委考虑2021年经济发展预期目标为地区生产总值增长8%左右"

SIMPLIFIED_SPEECH = (
    "同志们：\n"
    "刚才，X书记代表区委常委会作了报告，全面总结了上半年的工作，提出了下半年的任务和要求，"
    "方向明确、措施具体，具有很强的思想性、指导性和可操作性。\n"
    + GB_SENTENCE
    + "，这个目标既积极进取又留有余地。\n"
    "一、认识再强化，在解放思想中增强危机感、紧迫感\n"
)
TRADITIONAL_SPEECH = (
    BIG5_SENTENCE
    + "\n"
    "市委市政府決定，召開今天的解放思想大討論活動總結會議，目的就是要在全市廣大黨員幹部群眾中，"
    "持續樹牢「思想大解放、觀念大更新、活力大迸發、能力大提升」的鮮明導向。\n"
    "一、認識再強化，在解放思想中增強危機感、緊迫感\n"
)


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_both(tmp_path: pathlib.Path, name: str, data: bytes) -> str:
    """Read through read_source and read_bytes and check they agree."""
    from_file = read_source(write(tmp_path, name, data))
    from_memory = read_bytes(data, pathlib.Path(name).suffix)
    assert from_file == from_memory
    return from_file


def reason_of(tmp_path: pathlib.Path, name: str, data: bytes) -> str:
    """The UnreadableSource reason, checked to be the same for read_source and read_bytes."""
    with pytest.raises(UnreadableSource) as from_file:
        read_source(write(tmp_path, name, data))
    with pytest.raises(UnreadableSource) as from_memory:
        read_bytes(data, pathlib.Path(name).suffix)
    assert str(from_file.value) == str(from_memory.value)
    assert type(from_file.value) is UnreadableSource
    return str(from_file.value)


# ---------------------------------------------------------------------------
# Plain text: encodings
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED_SPEECH, "utf-8"),
        (TRADITIONAL_SPEECH, "utf-8"),
        (SIMPLIFIED_SPEECH, "utf-8-sig"),
        (TRADITIONAL_SPEECH, "utf-8-sig"),
        (SIMPLIFIED_SPEECH, "gb18030"),
        (SIMPLIFIED_SPEECH, "gbk"),
        (SIMPLIFIED_SPEECH, "gb2312"),
        (TRADITIONAL_SPEECH, "gb18030"),  # traditional characters saved as GBK/GB18030
        (TRADITIONAL_SPEECH, "big5"),
        (TRADITIONAL_SPEECH, "cp950"),
        (SIMPLIFIED_SPEECH, "utf-16"),
        (TRADITIONAL_SPEECH, "utf-16-be"),
        (SIMPLIFIED_SPEECH, "utf-32"),
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_plain_text_round_trips(tmp_path, text, encoding, suffix):
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # BOM
    assert read_both(tmp_path, "speech" + suffix, data) == text


@pytest.mark.parametrize(
    ("sentence", "encoding"),
    [(BIG5_SENTENCE, "big5"), (GB_SENTENCE, "gb18030"), (BIG5_SENTENCE, "gb18030"), (GB_SENTENCE, "utf-8")],
)
def test_single_sentences_round_trip(tmp_path, sentence, encoding):
    assert read_both(tmp_path, "s.txt", sentence.encode(encoding)) == sentence


def test_big5_bytes_decode_as_gb18030_but_are_read_as_big5(tmp_path):
    data = BIG5_SENTENCE.encode("big5")
    data.decode("gb18030")  # the trap: strictly valid GB18030 (mojibake)
    assert read_bytes(data, ".txt") == BIG5_SENTENCE


# Short texts are where naive detectors (charset-normalizer included) go wrong.
SHORT_SIMPLIFIED = ["同志们：", "经济工作会议", "全面建成小康社会", "各位代表，", "讲话（摘要）", "区委常委会"]
SHORT_TRADITIONAL = ["同志們：", "經濟工作會議", "全面建成小康社會", "各位代表，", "講話（摘要）", "黨員幹部"]


@pytest.mark.parametrize("text", SHORT_SIMPLIFIED)
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_short_simplified_texts(tmp_path, text, encoding):
    assert read_both(tmp_path, "short.txt", text.encode(encoding)) == text


@pytest.mark.parametrize("text", SHORT_TRADITIONAL)
@pytest.mark.parametrize("encoding", ["big5", "gb18030", "utf-8"])
def test_short_traditional_texts(tmp_path, text, encoding):
    assert read_both(tmp_path, "short.txt", text.encode(encoding)) == text


def test_short_gb_text_that_is_also_valid_utf8(tmp_path):
    # GB18030 bytes of "省委巡" and "同志" happen to be valid UTF-8 (Latin/Greek/Cyrillic letters).
    for text in ("省委巡", "同志"):
        data = text.encode("gb18030")
        data.decode("utf-8")  # the trap
        assert read_bytes(data, ".txt") == text


def test_pinyin_annotations_in_gb18030(tmp_path):
    text = "再创(chuàng)新辉煌，持续(xù)树牢"
    assert read_bytes(text.encode("gb18030"), ".txt") == text


def test_non_chinese_utf8_stays_utf8(tmp_path):
    for text in ["café crème brûlée", "Müller Straße", "naïve résumé", "Привет, мир"]:
        assert read_bytes(text.encode("utf-8"), ".txt") == text


def test_ascii_text(tmp_path):
    assert read_both(tmp_path, "a.txt", b"Just ASCII.\nSecond line.\n") == "Just ASCII.\nSecond line.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_seed_like_long_text(tmp_path, encoding):
    text = (TRADITIONAL_SPEECH if encoding == "big5" else SIMPLIFIED_SPEECH) * 200
    assert read_bytes(text.encode(encoding), ".txt") == text


# ---------------------------------------------------------------------------
# Plain text: newlines, control characters, rejects
# ---------------------------------------------------------------------------


def test_newlines_normalised(tmp_path):
    data = "第一行\r\n第二行\r第三行\n\r\n末行".encode("gb18030")
    assert read_both(tmp_path, "crlf.txt", data) == "第一行\n第二行\n第三行\n\n末行"


def test_control_characters_removed_tabs_kept(tmp_path):
    body = "这是一段足够长的正文，控制字符只占很小的比例。"
    data = ("标题\t一\x07\x1b[0m二\x0b三\x0c四\x7f五\x85六\u2028七" + body).encode("utf-8")
    assert read_bytes(data, ".txt") == "标题\t一[0m二\n三\n四五\n六\n七" + body


def test_leading_bom_not_in_text(tmp_path):
    assert read_bytes(b"\xef\xbb\xbf" + "讲话".encode(), ".md") == "讲话"


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.mark.parametrize(
    "data",
    [
        PNG_HEADER,
        b"\x89PNG\r\n\x1a\n",  # signature only, no NUL byte
        random.Random(1).randbytes(4096),
        random.Random(2).randbytes(4096).replace(b"\x00", b"\x01"),  # no NUL, still binary
        "正常的文本".encode() + b"\x00" + "后面".encode(),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",  # a PDF saved as .txt
        b"PK\x03\x04" + b"x" * 50,
    ],
    ids=["png", "png-signature", "random", "random-no-nul", "nul-in-text", "pdf-as-txt", "zip-as-txt"],
)
def test_binary_rejected(tmp_path, data):
    assert reason_of(tmp_path, "bin.txt", data).startswith("binary file")


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\r\n\t  \n", "\u3000\u3000\n".encode("utf-8")])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_empty_rejected(tmp_path, data, suffix):
    assert reason_of(tmp_path, "empty" + suffix, data) == "empty file"


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_zero_bytes_docx_pdf_rejected(tmp_path, suffix):
    assert reason_of(tmp_path, "empty" + suffix, b"") == "empty file"


def test_undecodable_rejected(tmp_path):
    data = b"ok " + b"\x81 \xff\x80 " * 40 + b" end"
    assert reason_of(tmp_path, "bad.txt", data) == "undecodable text (tried utf-8, gb18030, big5)"


def test_latin1_text_rejected_as_undecodable(tmp_path):
    data = "Ça coûte très cher, répète-t-il à la fenêtre.".encode("latin-1")
    assert reason_of(tmp_path, "fr.txt", data).startswith("undecodable text")


def test_a_few_bad_bytes_are_tolerated(tmp_path):
    # A long GB18030 speech cut in the middle of its last character.
    data = (SIMPLIFIED_SPEECH * 20).encode("gb18030") + "讲".encode("gb18030")[:1]
    text = read_bytes(data, ".txt")
    assert text == SIMPLIFIED_SPEECH * 20 + "\ufffd"


def test_truncated_utf8_is_tolerated(tmp_path):
    data = (SIMPLIFIED_SPEECH * 20).encode("utf-8") + "讲".encode("utf-8")[:2]
    assert read_bytes(data, ".txt") == SIMPLIFIED_SPEECH * 20 + "\ufffd"


# ---------------------------------------------------------------------------
# Generic rejects
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["speech.doc", "speech.xyz", "speech.rtf", "speech"])
def test_unsupported_suffix(tmp_path, name):
    reason = reason_of(tmp_path, name, b"hello")
    if "." in name:
        assert reason == f"unsupported file type {pathlib.Path(name).suffix}"
    else:
        assert reason == "unsupported file type (no extension)"


def test_suffix_case_and_dot_are_normalised(tmp_path):
    assert read_source(write(tmp_path, "UP.TXT", "讲话".encode())) == "讲话"
    assert read_bytes("讲话".encode(), "txt") == "讲话"
    assert read_bytes("讲话".encode(), ".MD") == "讲话"


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(UnreadableSource, match="file not found"):
        read_source(tmp_path / "missing.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(UnreadableSource, match="not a regular file"):
        read_source(tmp_path / "dir.txt")


def test_too_large(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse file: no 50 MB write
        fh.truncate(MAX_FILE_SIZE + 1)
    with pytest.raises(UnreadableSource, match=r"^file too large \(50\.0 MB, limit 50 MB\)$"):
        read_source(path)
    with pytest.raises(UnreadableSource, match="^file too large"):
        read_bytes(b"a" * (MAX_FILE_SIZE + 1), ".txt")


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".html", ".htm", ".pdf")


def test_reason_is_str_of_exception():
    exc = UnreadableSource("empty_file")
    assert str(exc) == "empty file" and exc.reason == "empty file" and exc.code == "empty_file"


def test_supported_suffixes_are_the_reader_table():
    assert SUPPORTED_SUFFIXES == tuple(READERS) == (".txt", ".md", ".docx", ".html", ".htm", ".pdf")


@pytest.mark.parametrize("suffix", [".xyz", ".doc", ".pdfx", ""])
def test_an_unknown_suffix_is_refused_by_name_not_read_as_pdf(suffix):
    with pytest.raises(UnreadableSource) as caught:
        read_bytes(b"%PDF-1.4 looks like a pdf", suffix)
    assert caught.value.code == "unsupported_type" and caught.value.suffix == suffix
    assert str(caught.value) == (f"unsupported file type {suffix}" if suffix else "unsupported file type (no extension)")


@pytest.mark.parametrize(
    ("data", "suffix", "code"),
    [
        (b"", ".txt", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\0\0", ".txt", "binary"),
        (b"not a zip", ".docx", "corrupt_docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word", ".docx", "legacy_doc"),
        (b"no header", ".pdf", "corrupt_pdf"),
        (b"<html><body><script>x</script></body></html>", ".html", "html_no_text"),
    ],
)
def test_each_failure_has_a_code_and_its_reason_names_it(data, suffix, code):
    with pytest.raises(UnreadableSource) as caught:
        read_bytes(data, suffix)
    assert caught.value.code == code and unreadable_code(str(caught.value)) == code


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="{charset}">
<title>在市委经济工作会议上的讲话</title>
<style>p {{ color: red; }}</style>
<script>document.write("<p>不应出现</p>");</script>
</head>
<body>
<nav><a href="/">首页</a> &gt; 领导讲话</nav>
<header>网站页眉</header>
<!-- 这是注释，不应出现 -->
<h1>在市委经济工作会议上的讲话</h1>
<p>同志们：<br>今天召开市委经济工作会议。</p>
<p>  {sentence}，
   这个目标积极稳妥。 </p>
<div>第一，<b>稳增长</b>。<div>第二，调结构。</div></div>
<ul><li>一、工业</li><li>二、农业</li></ul>
<table><tr><td>指标</td><td>目标</td></tr><tr><td>GDP</td><td>8%</td></tr></table>
<aside>相关阅读</aside>
<form><input value="搜索"><button>提交</button></form>
<noscript>请启用脚本</noscript>
<footer>版权所有</footer>
</body>
</html>
"""

HTML_LINES = [
    "在市委经济工作会议上的讲话",
    "同志们：",
    "今天召开市委经济工作会议。",
    GB_SENTENCE + "，这个目标积极稳妥。",
    "第一，稳增长。",
    "第二，调结构。",
    "一、工业",
    "二、农业",
    "指标 目标",
    "GDP 8%",
]


@pytest.mark.parametrize(("charset", "encoding"), [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb2312", "gb18030")])
def test_html_lines(tmp_path, charset, encoding):
    data = HTML_PAGE.format(charset=charset, sentence=GB_SENTENCE).encode(encoding)
    assert read_both(tmp_path, "page.html", data).split("\n") == HTML_LINES


def test_gbk_html_with_http_equiv_meta(tmp_path):
    data = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK">'
        "<title>标题</title></head><body><p>标题</p><p>" + GB_SENTENCE + "</p></body></html>"
    ).encode("gbk")
    assert read_both(tmp_path, "page.htm", data) == "标题\n" + GB_SENTENCE


def test_big5_html_without_declaration(tmp_path):
    data = ("<html><body><p>" + BIG5_SENTENCE + "</p><p>同志們：</p></body></html>").encode("big5")
    assert read_bytes(data, ".html") == BIG5_SENTENCE + "\n同志們："


def test_html_declared_gbk_but_saved_as_utf8(tmp_path):
    data = ('<html><head><meta charset="gb2312"></head><body><p>' + GB_SENTENCE + "</p></body></html>").encode()
    assert read_bytes(data, ".html") == GB_SENTENCE


def test_html_title_prepended_when_body_does_not_start_with_it(tmp_path):
    data = "<html><head><title>讲话全文 - 市政府网站</title></head><body><p>同志们：</p></body></html>".encode()
    assert read_bytes(data, ".html") == "讲话全文 - 市政府网站\n同志们："


def test_html_br_entities_nbsp_and_pre(tmp_path):
    data = (
        "<body><p>甲&nbsp;乙 &amp; 丙<br/>丁<br><br>戊</p>"
        "<pre>  一行\n    二行</pre><p>Hello\n   world</p></body>"
    ).encode()
    assert read_bytes(data, ".html") == "甲\xa0乙 & 丙\n丁\n戊\n一行\n二行\nHello world"


def test_html_fragment_without_body_tags(tmp_path):
    assert read_bytes("<p>第一段</p><p>第二段</p>".encode(), ".html") == "第一段\n第二段"


def test_html_without_text_rejected(tmp_path):
    data = b"<html><head><script>var a = 1;</script></head><body><nav>menu</nav></body></html>"
    assert reason_of(tmp_path, "x.html", data) == "html has no text"


def test_html_deeply_nested(tmp_path):
    data = ("<div>" * 5000 + "深处的文字" + "</div>" * 5000).encode()
    assert read_bytes(data, ".html") == "深处的文字"


def test_html_binary_rejected(tmp_path):
    assert reason_of(tmp_path, "x.html", PNG_HEADER).startswith("binary file")


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def make_docx(path: pathlib.Path) -> pathlib.Path:
    import docx

    document = docx.Document()
    document.add_heading("在市委经济工作会议上的讲话", level=1)
    document.add_paragraph("同志们：")
    paragraph = document.add_paragraph(GB_SENTENCE)
    paragraph.add_run("，这个目标积极稳妥。").bold = True
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "目标"
    table.cell(1, 0).text = "GDP"
    table.cell(1, 1).text = "8%"
    document.add_paragraph("")
    document.add_paragraph("谢谢大家！")
    document.save(str(path))
    return path


def test_docx_paragraphs_and_table_in_order(tmp_path):
    path = make_docx(tmp_path / "speech.docx")
    text = read_source(path)
    assert text.split("\n") == [
        "在市委经济工作会议上的讲话",
        "同志们：",
        GB_SENTENCE + "，这个目标积极稳妥。",
        "指标",
        "目标",
        "GDP",
        "8%",
        "",
        "谢谢大家！",
    ]
    assert read_bytes(path.read_bytes(), ".docx") == text


def test_docx_merged_cells_tabs_and_breaks(tmp_path):
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    paragraph = document.add_paragraph("甲\t乙")
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("丙")
    table = document.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))  # horizontal merge
    merged.text = "合并"
    tall = table.cell(1, 0)
    tall.text = "左"
    table.cell(1, 1).text = "右"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert read_source(path).split("\n") == ["甲\t乙", "丙", "合并", "左", "右"]


def test_docx_revisions_hyperlinks_content_controls_and_vertical_merges(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("开头")
    body = document.element.body
    sect_pr = body[-1]  # keep w:sectPr last
    xml_blocks = [
        # tracked insertion kept, tracked deletion dropped, hyperlink text kept
        f'<w:p {nsdecls("w", "r")}><w:r><w:t>甲</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>乙</w:t></w:r>'
        '</w:ins><w:del w:id="2" w:author="a"><w:r><w:delText>删</w:delText></w:r></w:del>'
        '<w:hyperlink r:id="rId99"><w:r><w:t>丙</w:t></w:r></w:hyperlink></w:p>',
        # a block-level content control
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>控件内</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        # a table whose first column is merged vertically over two rows
        f'<w:tbl {nsdecls("w")}>'
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>合</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:p><w:r><w:t>一</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>二</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    ]
    for xml in xml_blocks:
        sect_pr.addprevious(parse_xml(xml))
    path = tmp_path / "revisions.docx"
    document.save(str(path))
    assert read_source(path).split("\n") == ["开头", "甲乙丙", "控件内", "合", "一", "二"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip file at all", "corrupt docx: not a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "corrupt docx: this is a legacy Word .doc file"),
    ],
)
def test_corrupt_docx_rejected(tmp_path, data, reason):
    assert reason_of(tmp_path, "bad.docx", data).startswith(reason)


def test_zip_that_is_not_a_docx_rejected(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert reason_of(tmp_path, "bad.docx", buffer.getvalue()).startswith("corrupt docx: ")


def test_truncated_docx_rejected(tmp_path):
    data = make_docx(tmp_path / "ok.docx").read_bytes()
    assert reason_of(tmp_path, "cut.docx", data[: len(data) // 2]).startswith("corrupt docx: ")


def test_docx_with_garbage_xml_rejected(tmp_path):
    source = make_docx(tmp_path / "ok.docx").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, b"<w:document><unclosed" if item.filename == "word/document.xml" else data)
    assert reason_of(tmp_path, "garbage.docx", buffer.getvalue()).startswith("corrupt docx: ")


def test_docx_without_text_rejected(tmp_path):
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    assert reason_of(tmp_path, "blank.docx", path.read_bytes()) == "docx has no text"


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object i+1 is objects[i] (object 1 must be the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_with_text(ascii_lines: list[str], chinese_lines: list[str]) -> bytes:
    """One page: ASCII lines in Helvetica, Chinese lines in a Type0 font with a ToUnicode CMap."""
    chars = sorted({c for line in chinese_lines for c in line})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    content = bytearray()
    y = 780
    for line in ascii_lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content += b"BT /F1 12 Tf 72 %d Td (%s) Tj ET\n" % (y, escaped.encode("ascii"))
        y -= 20
    for line in chinese_lines:
        codes = "".join("%04X" % cid[c] for c in line)
        content += b"BT /F2 12 Tf 72 %d Td <%s> Tj ET\n" % (y, codes.encode("ascii"))
        y -= 20
    bfchar = "".join("<%04X> <%s>\n" % (cid[c], c.encode("utf-16-be").hex().upper()) for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}endbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
        stream(bytes(content)),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 9 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        stream(cmap),
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    return build_pdf(objects)


def test_pdf_ascii_text_layer(tmp_path):
    data = pdf_with_text(["Speech on the economy", "Second line (draft)"], [])
    text = read_both(tmp_path, "speech.pdf", data)
    assert text.split("\n") == ["Speech on the economy", "Second line (draft)"]


def test_pdf_chinese_text_via_type0_font(tmp_path):
    data = pdf_with_text(["Speech"], [GB_SENTENCE, "同志们：今天召开会议。"])
    text = read_both(tmp_path, "speech.pdf", data)
    assert text.split("\n") == ["Speech", GB_SENTENCE, "同志们：今天召开会议。"]


def test_pdf_pages_joined_with_newline(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for line in ("Page one", "Page two"):
        writer.add_page(PdfReader(io.BytesIO(pdf_with_text([line], []))).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    assert read_bytes(buffer.getvalue(), ".pdf") == "Page one\nPage two"


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_without_text_rejected(tmp_path):
    assert reason_of(tmp_path, "scan.pdf", blank_pdf()) == "pdf has no text layer"


def test_pdf_with_zero_pages_rejected(tmp_path):
    data = build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert reason_of(tmp_path, "none.pdf", data) == "pdf has no pages"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not really a pdf\n%%EOF\n",
        b"not a pdf at all",
        pytest.param(None, id="truncated"),
    ],
)
def test_corrupt_pdf_rejected(tmp_path, data):
    if data is None:
        full = pdf_with_text(["Some text"], [])
        data = full[:60]
    assert reason_of(tmp_path, "bad.pdf", data).startswith("corrupt pdf")


def encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(pdf_with_text(["Secret speech"], []))).pages[0])
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_with_password_rejected(tmp_path):
    reason = reason_of(tmp_path, "locked.pdf", encrypted_pdf("secret", "owner"))
    assert reason == "encrypted pdf: a password is required"


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path):
    assert read_bytes(encrypted_pdf("", "owner"), ".pdf") == "Secret speech"


# ---------------------------------------------------------------------------
# read_bytes specifics
# ---------------------------------------------------------------------------


def test_read_bytes_accepts_bytearray_and_memoryview():
    data = "讲话".encode("gb18030")
    assert read_bytes(bytearray(data), ".txt") == "讲话"
    assert read_bytes(memoryview(data), ".txt") == "讲话"


def test_read_bytes_rejects_non_bytes():
    with pytest.raises(UnreadableSource):
        read_bytes(12345, ".txt")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# read_file: what is checked before a byte is read
# ---------------------------------------------------------------------------


def _read_file_reason(path, root=None) -> str:
    from index.readers import read_file

    with pytest.raises(UnreadableSource) as caught:
        read_file(path, root)
    return str(caught.value)


def test_read_file_refuses_a_fifo_without_opening_it(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    assert _read_file_reason(tmp_path / "pipe.txt") == "not a regular file (fifo)"


def test_read_file_follows_a_symlink_only_inside_its_root(tmp_path):
    from index.readers import read_file

    root = tmp_path / "speeches"
    root.mkdir()
    write(root, "a.txt", "讲话".encode())
    write(tmp_path, "outside.txt", "外面".encode())
    (root / "inside.txt").symlink_to(root / "a.txt")
    (root / "out.txt").symlink_to(tmp_path / "outside.txt")
    (root / "zero.txt").symlink_to("/dev/zero")
    assert read_file(root / "inside.txt", root) == "讲话".encode()
    assert _read_file_reason(root / "out.txt", root) == "symlink leads outside the source folder"
    assert _read_file_reason(root / "zero.txt", root) == "symlink leads outside the source folder"
    assert _read_file_reason(root / "zero.txt") == "not a regular file (device)"


def test_read_file_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "sparse.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_SIZE * 20)
    assert _read_file_reason(path).startswith("file too large")


def test_html_unclosed_paragraphs_and_list_items_do_not_count_as_nesting():
    from index.readers.html import MAX_NESTING_WORK, nesting_work

    markup = "<body>" + "<p>段落<li>条目<br><img src=x>" * 20_000 + "</body>"
    assert nesting_work(markup)[0] < 100
    assert nesting_work("<div>" * 20_000)[0] > MAX_NESTING_WORK


def test_docx_whose_xml_unpacks_too_large_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (21 * 1024 * 1024))
    with pytest.raises(UnreadableSource) as caught:
        read_bytes(buffer.getvalue(), ".docx")
    assert str(caught.value).startswith("corrupt docx: unpacked size too large")
