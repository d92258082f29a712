"""How much a text looks like ordinary Chinese: the score that picks GB18030 or Big5."""

from __future__ import annotations

import functools

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
PINYIN = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňḿɑɡ")
_SCORE_SAMPLE = 20000


@functools.lru_cache(maxsize=1)
def char_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
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


# Code point ranges (inclusive) by score, tested in this order after the common ideographs.
_PRIVATE_AND_CONTROL = ((0xE000, 0xF8FF), (0xF0000, 0x10FFFF), (0x80, 0x9F))  # -3
_CJK_PUNCTUATION = ((0x3000, 0x3011), (0x3014, 0x301F), (0xFF01, 0xFF5E))  # +1, as pinyin letters
_GENERAL_PUNCTUATION = ((0x2010, 0x2027), (0x2030, 0x205E))  # +0.5
_FOREIGN = (  # -1
    (0x0370, 0x052F),  # Greek, Cyrillic
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2500, 0x259F),  # box drawing, block elements
    (0x3040, 0x312F),  # kana, bopomofo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x3400, 0x4DBF),  # CJK extension A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE6F),  # vertical, compatibility and small forms
    (0xFF61, 0xFFDF),  # half-width forms
    (0x20000, 0x10FFFF),  # supplementary ideographs
)


def _within(o: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= o <= high for low, high in ranges)


def char_score(c: str, frequent: frozenset[str], common: frozenset[str], known: frozenset[str]) -> float:
    """The score of one non-ASCII character, without context (see the comment above)."""
    o = ord(c)
    if 0x4E00 <= o <= 0x9FFF:
        if c in frequent:
            return 2.0
        if c in common:
            return 1.0
        return 0.0 if c in known else -1.0
    if _within(o, _PRIVATE_AND_CONTROL):
        return -3.0
    if c in PINYIN or _within(o, _CJK_PUNCTUATION):
        return 1.0
    if _within(o, _GENERAL_PUNCTUATION):
        return 0.5
    return -1.0 if _within(o, _FOREIGN) else 0.0


def chinese_score(text: str) -> float:
    """Mean per-character "ordinary Chinese" score of the non-ASCII characters (0.0 if none)."""
    frequent, common, known = char_tables()
    total = 0.0
    n = 0
    last = len(text) - 1
    for i, c in enumerate(text):
        if c.isascii() or c.isspace():
            continue
        score = char_score(c, frequent, common, known)
        # Context: pinyin letters sit inside Latin words ("fā"), ideographs do not ("f角").
        latin_before = i > 0 and text[i - 1].isascii() and text[i - 1].isalpha()
        latin_after = i < last and text[i + 1].isascii() and text[i + 1].isalpha()
        if c in PINYIN and (latin_before or latin_after):
            score = 2.0
        elif latin_before and latin_after and "\u4e00" <= c <= "\u9fff":
            score = -1.0
        total += score
        n += 1
        if n >= _SCORE_SAMPLE:
            break
    return total / n if n else 0.0
