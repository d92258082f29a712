"""Turn one source file into raw text, or say exactly why not.

Supported formats: plain text and Markdown (``.txt``/``.md``), HTML, DOCX and PDF.
Every failure on bad input is an :class:`UnreadableSource` whose ``str()`` is a short
English reason meant for administrators ("binary file", "empty file",
"undecodable text (tried utf-8, gb18030, big5)", "corrupt docx: ...", ...).

The returned text is a sequence of lines separated by ``"\\n"``; nothing is cleaned
beyond what the format itself needs:

* all formats: line separators (``\\r\\n``, ``\\r``, ``\\f``, ``\\v``, U+0085, U+2028,
  U+2029) become ``"\\n"``, other control characters except ``"\\t"`` are removed, and a
  leading byte-order mark is dropped;
* HTML: whitespace is collapsed as a browser would, block elements become lines,
  empty lines are dropped and each line is stripped;
* DOCX: one line per paragraph (empty paragraphs give empty lines);
* PDF: the text of each page, pages joined with ``"\\n"``.

Text encodings (plain text and HTML): a BOM (UTF-8, UTF-16, UTF-32) wins; otherwise
strict UTF-8, then strict GB18030 and Big5, choosing between the last two by how much the
decoded text looks like ordinary Chinese (see :func:`_chinese_score`). A few undecodable
bytes in an otherwise clean file are tolerated and become U+FFFD.
"""

from __future__ import annotations

import codecs
import functools
import io
import pathlib
import re
import zipfile

# python-docx, pypdf and selectolax are imported where they are used: a process that
# only searches never pays for them.

__all__ = ["SUPPORTED_SUFFIXES", "MAX_FILE_SIZE", "UnreadableSource", "read_source", "read_bytes"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")

MAX_FILE_SIZE = 50 * 1024 * 1024  # bytes
_MAX_DOCX_UNPACKED = 512 * 1024 * 1024  # guard against zip bombs


class UnreadableSource(Exception):
    """The file cannot be turned into text; ``str(exc)`` is a short English reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def read_source(path: pathlib.Path) -> str:
    """Return the document's text as lines separated by "\\n" (no cleaning beyond what the format needs).

    Raises :class:`UnreadableSource` (and nothing else) for anything that is not a readable
    document: unsupported suffix, missing file, too large, binary, empty, undecodable, corrupt.
    """
    path = pathlib.Path(path)
    suffix = _normalise_suffix(path.suffix)
    _check_suffix(suffix)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableSource("not a regular file")
        _check_size(size)
        with path.open("rb") as fh:
            # Read at most one byte more than the limit: the file may grow after stat().
            data = fh.read(MAX_FILE_SIZE + 1)
    except UnreadableSource:
        raise
    except FileNotFoundError:
        raise UnreadableSource("file not found") from None
    except PermissionError:
        raise UnreadableSource("permission denied") from None
    except IsADirectoryError:
        raise UnreadableSource("not a regular file") from None
    except OSError as exc:
        raise UnreadableSource(f"cannot read file: {exc.strerror or exc}") from None
    return read_bytes(data, suffix)


def read_bytes(data: bytes, suffix: str) -> str:
    """Same as :func:`read_source`, for a file held in memory; ``suffix`` is e.g. ".docx" (or "docx")."""
    suffix = _normalise_suffix(suffix)
    _check_suffix(suffix)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise UnreadableSource("not a byte string")
    _check_size(len(data))
    if not data:
        raise UnreadableSource("empty file")
    try:
        if suffix in (".txt", ".md"):
            text = _read_plain(data)
        elif suffix in (".html", ".htm"):
            text = _read_html(data)
        elif suffix == ".docx":
            text = _read_docx(data)
        else:
            text = _read_pdf(data)
    except UnreadableSource:
        raise
    except RecursionError:
        raise UnreadableSource(f"document too deeply nested ({suffix[1:]})") from None
    except Exception as exc:  # noqa: BLE001 - the contract is: only UnreadableSource escapes
        raise UnreadableSource(f"cannot read {suffix[1:]}: {_describe(exc)}") from exc
    return text


# ---------------------------------------------------------------------------
# Common helpers
# ---------------------------------------------------------------------------


def _normalise_suffix(suffix: str) -> str:
    suffix = (suffix or "").strip().lower()
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    return suffix


def _check_suffix(suffix: str) -> None:
    if suffix not in SUPPORTED_SUFFIXES:
        if not suffix or suffix == ".":
            raise UnreadableSource("unsupported file type (no extension)")
        raise UnreadableSource(f"unsupported file type {suffix}")


def _check_size(size: int) -> None:
    if size > MAX_FILE_SIZE:
        raise UnreadableSource(
            f"file too large ({size / (1024 * 1024):.1f} MB, limit {MAX_FILE_SIZE // (1024 * 1024)} MB)"
        )


def _describe(exc: BaseException, limit: int = 160) -> str:
    """A one-line, bounded description of a library exception."""
    msg = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Line separators other than "\n" that we turn into "\n".
_NEWLINES_RE = re.compile("\r\n|[\r\f\v\x85\u2028\u2029]")
# Control characters to drop: C0 except \t and \n, DEL, and C1 (\x85 was handled above).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _finish(text: str) -> str:
    """Normalise line separators and drop control characters; keep everything else as is."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _NEWLINES_RE.sub("\n", text)
    return _CONTROL_RE.sub("", text)


# ---------------------------------------------------------------------------
# Binary detection and text decoding
# ---------------------------------------------------------------------------

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive or office document"),
    (b"PK\x05\x06", "zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"{\\rtf", "RTF document"),
)

# Bytes that never occur in real text (in any of the encodings we accept, whose
# multi-byte sequences only use bytes >= 0x30): C0 controls except \t \n \v \f \r, and DEL.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_MAX_CONTROL_SHARE = 0.05


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _check_not_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableSource(f"binary file ({what})")
    if b"\x00" in data:
        raise UnreadableSource("binary file")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise UnreadableSource("binary file")


_TRIED = ("utf-8", "gb18030", "big5")
# Big5 as written by real software is usually Microsoft's cp950 or the HKSCS extension;
# they agree with plain Big5 on its code points and add a few more.
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError):
        return None


def _strict_big5(data: bytes) -> str | None:
    for encoding in _BIG5_FAMILY:
        text = _strict(data, encoding)
        if text is not None:
            return text
    return None


def _strict_declared(data: bytes, declared: str) -> str | None:
    return _strict_big5(data) if declared == "big5" else _strict(data, declared)


def _decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes (see the module docstring); raises UnreadableSource."""
    bom = _bom_encoding(data)
    if bom:
        text = _strict(data, bom)
        if text is None:
            text = _tolerant(data, bom)
        if text is None:
            raise UnreadableSource(f"undecodable text (invalid {bom.replace('-sig', '')} after byte-order mark)")
        return text

    _check_not_binary(data)

    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        if utf8.isascii() or max(utf8) >= "\u0800":
            # Real multi-byte UTF-8 is practically never a coincidence.
            return utf8
        # Only 2-byte sequences (Latin, Greek, Cyrillic, ...): a very short GB18030/Big5
        # text can look like this, e.g. GB18030 "系" is the UTF-8 for "ϵ".
        if declared == "utf-8":
            return utf8
        if declared:
            text = _strict_declared(data, declared)
            if text is not None:
                return text
        legacy = _best_legacy(data)
        if legacy is not None and _clearly_chinese_instead_of(legacy, utf8):
            return legacy
        return utf8

    if declared and declared != "utf-8":
        text = _strict_declared(data, declared)
        if text is not None:
            return text

    text = _best_legacy(data)
    if text is not None and _chinese_score(text) >= 0.0:
        return text

    tried = _TRIED if not declared or declared in _TRIED else (declared, *_TRIED)
    text = _best_tolerant(data, declared)
    if text is None:
        raise UnreadableSource(f"undecodable text (tried {', '.join(tried)})")
    return text


def _best_legacy(data: bytes) -> str | None:
    """Strict GB18030 or Big5, whichever decodes and looks more like Chinese (GB18030 on a tie)."""
    gb = _strict(data, "gb18030")
    big5 = _strict_big5(data)
    if gb is None or big5 is None:
        return gb if big5 is None else big5
    return big5 if _chinese_score(big5) > _chinese_score(gb) else gb


def _clearly_chinese_instead_of(legacy: str, utf8: str) -> bool:
    """For short inputs valid as UTF-8 without any 3-byte character: is the legacy reading better?"""
    cjk = sum(1 for c in legacy if "\u4e00" <= c <= "\u9fff")
    letters = sum(1 for c in legacy if c.isalpha())
    return (
        cjk >= 2
        and cjk * 2 >= letters
        and (legacy_score := _chinese_score(legacy)) >= 1.0
        and legacy_score > _chinese_score(utf8)
    )


# A few invalid bytes in a large clean file (a truncated download, one corrupt
# character) should not make the whole document unreadable.
def _tolerable_errors(length: int) -> int:
    return 1 + length // 1000


def _tolerant(data: bytes, encoding: str) -> str | None:
    text = data.decode(encoding, errors="replace")
    return text if text.count("\ufffd") <= _tolerable_errors(len(text)) else None


def _best_tolerant(data: bytes, declared: str | None) -> str | None:
    """The decoding with the fewest (and few enough) invalid bytes; ties go to the more Chinese-looking."""
    best: tuple[int, float] | None = None
    best_text: str | None = None
    encodings = [declared] if declared and declared not in _TRIED else []
    encodings += ["utf-8", "gb18030", *_BIG5_FAMILY]
    for encoding in encodings:
        try:
            text = data.decode(encoding, errors="replace")
        except (UnicodeError, LookupError):
            continue
        errors = text.count("\ufffd")
        if errors > _tolerable_errors(len(text)):
            continue
        score = _chinese_score(text)
        if encoding not in ("utf-8", declared) and score < 0.0:
            continue  # GB18030/Big5 "decoding" of something else
        if best is None or (errors, -score) < best:
            best, best_text = (errors, -score), text
    return best_text


# --- "does this look like Chinese?" ------------------------------------------------
#
# A wrong reading of GB18030 bytes as Big5 or the other way round produces ideographs
# too, but rarely common ones, and the punctuation turns into private-use codepoints,
# kana, bopomofo or vertical forms. The score is the mean over the non-ASCII,
# non-space characters (the first _SCORE_SAMPLE of them) of:
#   +2 one of the ~1,200 most frequent characters (simplified and traditional forms),
#   +1 another GB2312 level-1 / Big5 level-1 ("frequently used") ideograph, CJK or
#      full-width punctuation, pinyin letters,
#    0 GB2312 level-2 / Big5 level-2 ideographs and anything not listed,
#   -1 other ideographs, kana, bopomofo, hangul, Greek, Cyrillic, box drawing, vertical
#      and small forms, half-width forms,
#   -3 private-use codepoints and C1 control characters.
# Ties go to GB18030.

# Most frequent characters of modern Chinese (simplified), roughly in frequency order.
_FREQUENT_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改"
    "收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列"
    "武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供"
    "效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
    "仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳"
    "若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷"
    "洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈"
    "刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央"
    "户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括"
    "舰鱼杂误湖钟奥"
)
# Their traditional forms (Taiwan, Hong Kong and OpenCC standard variants).
_FREQUENT_TRADITIONAL = (
    "並乾亂亞佔來個們備傳傷僅價優兒內兩別則剛創劃劉動務勝勞勢區協卻參員問喫單嗎嚴國圍圖團執堅報場塊壓壞夠"
    "奧媽學實審寫寶將專對導層屬島師帶幫幾廣張強彈後從徵惡愛態應懷戰戶採換揮擊擔據敵數斷於時書會東條業極構"
    "樂標樣樹機檢權歐歡歲歷殺氣決沒況準滿漢濟為無熱營爭爲爾狀獨獲現環產異當發盡監眾確稅種稱積節範簡紀約紅"
    "納級細終組結絕給統經維網緊線總織繼續羅羣義習聞聯聲職聽腦腳臉臨臺與興舉艦華萬藝藥蘇蘭處號衆術衛衝衞裏"
    "裝裡覆見規視親覺觀計討記設許訴評試話該認語誤說説誰調談請論講證識議護讀變讓負財貨責買費資質車軍較輕轉"
    "辦農這連進運過達遠適選還邊醫釋銀錢錯鍾鐵長門開間關陣陳陸陽隊階際隨險雖雙雜離難雲電靈靜響項須預頓領頭"
    "題願類顧顯風飛養餘馬驗驚體鬥魚麗麼黃點黨龍"
)
_PINYIN = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňḿɑɡ")
_SCORE_SAMPLE = 20000


@functools.lru_cache(maxsize=1)
def _char_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(frequent, common, known) ideograph sets, built on first use from the codecs themselves."""

    def decode_range(encoding: str, leads: range, trails: list[int]) -> set[str]:
        out: set[str] = set()
        for lead in leads:
            for trail in trails:
                try:
                    out.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    pass
        return out

    gb_trails = list(range(0xA1, 0xFF))
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    gb_level1 = decode_range("gb2312", range(0xB0, 0xD8), gb_trails)
    gb_level2 = decode_range("gb2312", range(0xD8, 0xF8), gb_trails)
    big5_level1 = decode_range("big5", range(0xA4, 0xC7), big5_trails)
    big5_level2 = decode_range("big5", range(0xC9, 0xFA), big5_trails)
    frequent = frozenset(_FREQUENT_SIMPLIFIED + _FREQUENT_TRADITIONAL)
    common = frozenset(gb_level1 | big5_level1) - frequent
    known = frozenset(gb_level2 | big5_level2) - common - frequent
    return frequent, common, known


def _char_score(c: str, frequent: frozenset[str], common: frozenset[str], known: frozenset[str]) -> float:
    o = ord(c)
    if 0x4E00 <= o <= 0x9FFF:
        if c in frequent:
            return 2.0
        if c in common:
            return 1.0
        if c in known:
            return 0.0
        return -1.0
    if 0xE000 <= o <= 0xF8FF or 0xF0000 <= o or 0x80 <= o <= 0x9F:  # private use, C1 controls
        return -3.0
    if c in _PINYIN or 0x3000 <= o <= 0x3011 or 0x3014 <= o <= 0x301F or 0xFF01 <= o <= 0xFF5E:
        return 1.0
    if 0x2010 <= o <= 0x2027 or 0x2030 <= o <= 0x205E:
        return 0.5
    if (
        0x0370 <= o <= 0x052F  # Greek, Cyrillic
        or 0x1100 <= o <= 0x11FF  # Hangul jamo
        or 0x2500 <= o <= 0x259F  # box drawing, block elements
        or 0x3040 <= o <= 0x312F  # kana, bopomofo
        or 0x3130 <= o <= 0x318F  # Hangul compatibility jamo
        or 0x3400 <= o <= 0x4DBF  # CJK extension A
        or 0xAC00 <= o <= 0xD7AF  # Hangul syllables
        or 0xF900 <= o <= 0xFAFF  # CJK compatibility ideographs
        or 0xFE10 <= o <= 0xFE6F  # vertical, compatibility and small forms
        or 0xFF61 <= o <= 0xFFDF  # half-width forms
        or 0x20000 <= o  # supplementary ideographs
    ):
        return -1.0
    return 0.0


def _chinese_score(text: str) -> float:
    """Mean per-character "ordinary Chinese" score of the non-ASCII characters (0.0 if none)."""
    frequent, common, known = _char_tables()
    total = 0.0
    n = 0
    last = len(text) - 1
    for i, c in enumerate(text):
        if c.isascii() or c.isspace():
            continue
        score = _char_score(c, frequent, common, known)
        # Context: pinyin letters sit inside Latin words ("fā"), ideographs do not ("f角").
        latin_before = i > 0 and text[i - 1].isascii() and text[i - 1].isalpha()
        latin_after = i < last and text[i + 1].isascii() and text[i + 1].isalpha()
        if c in _PINYIN and (latin_before or latin_after):
            score = 2.0
        elif latin_before and latin_after and "\u4e00" <= c <= "\u9fff":
            score = -1.0
        total += score
        n += 1
        if n >= _SCORE_SAMPLE:
            break
    return total / n if n else 0.0


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------


def _read_plain(data: bytes) -> str:
    if not data.strip():
        raise UnreadableSource("empty file")
    text = _finish(_decode_text(data))
    if not text.strip():
        raise UnreadableSource("empty file")
    return text


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_CHARSET_ALIASES = {
    # WHATWG: all of these labels mean the GBK/GB18030 decoder.
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "chinese", "csgb2312", "csiso58gb231280",
         "iso-ir-58", "cp936", "ms936", "windows-936", "gb18030", "euc-cn"),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950", "x-big5"), "big5"),
    # A document cannot declare a UTF-16/32 charset in its own (ASCII-compatible) bytes.
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be", "unicode"), "utf-8"),
}

_DROP_TAGS = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "iframe", "svg")
)
_BLOCK_TAGS = frozenset(
    (
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
        "blockquote", "pre", "main", "ul", "ol", "dl", "dt", "dd", "table", "caption", "thead",
        "tbody", "tfoot", "hr", "figure", "figcaption", "address", "center", "body", "html",
        "details", "summary", "fieldset", "legend", "hgroup", "menu", "dialog",
    )
)
_CELL_TAGS = frozenset(("td", "th"))
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
# A line break in the source between two wide (CJK) characters renders as nothing
# (CSS Text 3 "segment break transformation").
_CJK = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK_RE = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET_RE.search(data[:8192])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    if label in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in ("undefined", "utf-7"):
        return None
    return info.name


def _read_html(data: bytes) -> str:
    if not data.strip():
        raise UnreadableSource("empty file")
    markup = _decode_text(data, _declared_charset(data))
    markup = markup.replace("\x00", "")
    if not markup.strip():
        raise UnreadableSource("empty file")
    from selectolax.lexbor import LexborHTMLParser  # the Modest backend (selectolax.parser) is gone in 1.0

    try:
        tree = LexborHTMLParser(markup)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource(f"corrupt html: {_describe(exc)}") from exc

    title_node = tree.css_first("head > title") or tree.css_first("title")
    title = _collapse(title_node.text(deep=True)) if title_node is not None else ""
    root = tree.body if tree.body is not None else tree.root
    lines = _html_lines(root) if root is not None else []
    if title:
        first = lines[0] if lines else ""
        if not first.startswith(title):
            lines.insert(0, title)
    text = _finish("\n".join(lines))
    if not text.strip():
        raise UnreadableSource("html has no text")
    return text


def _collapse(text: str) -> str:
    text = _CJK_BREAK_RE.sub("", text)
    return _HTML_SPACE_RE.sub(" ", text).strip()


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._parts: list[tuple[str, bool]] = []  # (text, preformatted)

    def add(self, text: str, pre: bool = False) -> None:
        if pre:
            first, *rest = text.split("\n")
            self._parts.append((first, True))
            for part in rest:
                self.flush()
                self._parts.append((part, True))
        else:
            self._parts.append((text, False))

    def flush(self) -> None:
        if not self._parts:
            return
        out: list[str] = []
        run: list[str] = []
        for text, pre in self._parts:
            if pre:
                if run:
                    out.append(_collapse_inline("".join(run)))
                    run = []
                out.append(text)
            else:
                run.append(text)
        if run:
            out.append(_collapse_inline("".join(run)))
        self._parts = []
        line = "".join(out).strip()
        if line:
            self.lines.append(line)


def _collapse_inline(text: str) -> str:
    # Keep a single space at the edges (it separates this run from a neighbouring one).
    return _HTML_SPACE_RE.sub(" ", _CJK_BREAK_RE.sub("", text))


def _html_lines(root) -> list[str]:
    out = _LineBuilder()
    pre_depth = 0
    # Explicit stack instead of recursion: malformed pages can nest very deeply.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag == "pre":
                pre_depth -= 1
            if tag in _BLOCK_TAGS:
                out.flush()
            continue
        if tag == "-text":
            text = node.text_content or ""
            if text:
                out.add(text, pre=pre_depth > 0)
            continue
        if tag is None or tag.startswith("-") or tag in _DROP_TAGS:
            continue  # comments, doctype, dropped elements
        if tag == "br":
            out.add("\n", pre=True)
            continue
        if tag in _BLOCK_TAGS:
            out.flush()
        elif tag in _CELL_TAGS:
            out.add(" ")
        if tag == "pre":
            pre_depth += 1
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, False))
    out.flush()
    return out.lines


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Containers whose children are block content (paragraphs, tables, ...).
_DOCX_BLOCK_WRAPPERS = frozenset((f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"))
# Inside a paragraph: subtrees that are not part of its visible text.
_DOCX_SKIP_INLINE = frozenset(
    (
        f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent",
        f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}instrText",
        f"{_MC}Fallback",
    )
)


def _read_docx(data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableSource("corrupt docx: this is a legacy Word .doc file, not .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableSource("corrupt docx: not a zip archive") from None
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource(f"corrupt docx: {_describe(exc)}") from exc
    if unpacked > _MAX_DOCX_UNPACKED:
        raise UnreadableSource("corrupt docx: unpacked size too large")
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds (KeyError, ValueError, lxml...)
        raise UnreadableSource(f"corrupt docx: {_describe(exc)}") from exc
    lines: list[str] = []
    _docx_blocks(body, lines)
    text = _finish("\n".join(lines))
    if not text.strip():
        raise UnreadableSource("docx has no text")
    return text


def _docx_blocks(container, lines: list[str]) -> None:
    """Paragraphs of a body, cell or content control, in order; tables row by row."""
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(_docx_paragraph_text(child))
        elif tag == f"{_W}tbl":
            _docx_table(child, lines)
        elif tag in _DOCX_BLOCK_WRAPPERS:
            _docx_blocks(child, lines)


def _docx_table(tbl, lines: list[str]) -> None:
    for row in _docx_children(tbl, f"{_W}tr"):
        for cell in _docx_children(row, f"{_W}tc"):
            if _docx_is_merge_continuation(cell):
                continue
            _docx_blocks(cell, lines)


def _docx_children(element, tag: str):
    """Direct children with ``tag``, looking through content controls and custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _DOCX_BLOCK_WRAPPERS:
            yield from _docx_children(child, tag)


def _docx_is_merge_continuation(tc) -> bool:
    tc_pr = tc.find(f"{_W}tcPr")
    if tc_pr is None:
        return False
    v_merge = tc_pr.find(f"{_W}vMerge")
    return v_merge is not None and v_merge.get(f"{_W}val", "continue") == "continue"


def _docx_paragraph_text(p) -> str:
    parts: list[str] = []
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        tag = el.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP_INLINE:
            continue
        if tag == f"{_W}t":
            parts.append(el.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            stack.extend(reversed(list(el)))
    return "".join(parts)


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if b"%PDF-" not in data[:1024]:
        raise UnreadableSource("corrupt pdf: no PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pypdf raises PdfReadError, ValueError, KeyError, ...
        raise UnreadableSource(f"corrupt pdf: {_describe(exc)}") from exc

    try:
        encrypted = reader.is_encrypted
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource(f"corrupt pdf: {_describe(exc)}") from exc
    if encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise UnreadableSource(
                "encrypted pdf: decrypting it needs the 'cryptography' package (AES encryption)"
            ) from None
        except Exception as exc:  # noqa: BLE001
            raise UnreadableSource(f"encrypted pdf: cannot decrypt ({_describe(exc)})") from exc
        if not opened:
            raise UnreadableSource("encrypted pdf: a password is required")

    try:
        pages = list(reader.pages)
    except DependencyError:
        raise UnreadableSource("encrypted pdf: decrypting it needs the 'cryptography' package") from None
    except Exception as exc:  # noqa: BLE001
        raise UnreadableSource(f"corrupt pdf: {_describe(exc)}") from exc
    if not pages:
        raise UnreadableSource("pdf has no pages")

    texts: list[str] = []
    failures: list[str] = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except DependencyError:
            raise UnreadableSource("encrypted pdf: decrypting it needs the 'cryptography' package") from None
        except Exception as exc:  # noqa: BLE001 - one broken page should not lose the others
            failures.append(_describe(exc))
            texts.append("")
    text = _finish("\n".join(texts))
    if not text.strip():
        if failures:
            raise UnreadableSource(f"corrupt pdf: {failures[0]}")
        raise UnreadableSource("pdf has no text layer")
    return text
