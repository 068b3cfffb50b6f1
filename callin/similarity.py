"""Chinese text similarity for duplicate reports: weighted character bigrams, no word list.

Chinese has no spaces, so a text is cut into overlapping pairs of characters after dropping
punctuation and filler words; "三号楼" reads as "3号楼", a few everyday synonyms are folded
together, and pairs inside place names ("阳光小区", "和平路", "3号楼") weigh less than the words
for the problem. The score of two texts is the mean of their Dice and containment coefficients.
THRESHOLD was chosen on the fixed corpus of tests/test_similar.py: its paraphrases of one
problem score 0.31 and up, other problems at the same place 0.17 at most.
"""
import re
import unicodedata

#: Score (0..1) from which two texts count as the same problem; see text_score().
THRESHOLD = 0.24

# Words and characters that say nothing about the problem: greetings, pronouns, particles and
# the phrases every report uses. Longest first, so a word goes before its characters.
_FILLER_WORDS = sorted((
    "请问", "你好", "您好", "我们", "你们", "他们", "她们", "咱们", "自己", "大家", "这个", "那个",
    "这里", "那里", "这边", "那边", "一直", "一下", "非常", "特别", "已经", "还是", "现在", "目前",
    "好几天", "好多天", "几天", "好久", "什么", "怎么", "为什么", "希望", "要求", "反映", "反应",
    "问题", "情况", "尽快", "帮忙", "解决", "处理", "一下子", "相关部门", "有关部门", "来电人称",
    "来电人", "所住", "所在", "听众", "市民", "群众", "家里", "我家", "谢谢", "麻烦", "没人管",
    "没有人管", "总是", "经常", "老是", "还有", "而且", "但是", "可是", "因为", "所以", "就是",
    "也是", "真的",
), key=len, reverse=True)
_FILLER_CHARS = "的了吗呢啊吧呀哦嘛么哈啦我你他她它您是在和就都也很还又再被把给着过等"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
# A Chinese numeral that counts buildings, floors, units...: "三号楼" is "3号楼".
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+(?=[号楼栋幢单层组期排户室路街巷])")
# (the lookahead lets the search skip quickly past characters that start no filler word)
_FILLER = re.compile("(?=[" + "".join(sorted({w[0] for w in _FILLER_WORDS})) + "])(?:"
                     + "|".join(map(re.escape, _FILLER_WORDS)) + ")")
_DROP_FILLER_CHARS = str.maketrans("", "", _FILLER_CHARS)
_RUN = re.compile(r"[^\W_]{2,}")
# A few everyday words people use for the same thing, mapped to one of them.
_SYNONYMS = {
    "晚上": "夜间", "夜里": "夜间", "半夜": "夜间", "凌晨": "夜间", "深夜": "夜间",
    "臭味": "异味", "难闻": "异味", "气味": "异味", "味道": "异味",
    "坑坑洼洼": "坑洼", "坑坑": "坑洼", "路面破损": "坑洼",
    "农民工": "工人", "包工头": "老板", "欠薪": "拖欠工资",
    "小商贩": "摊贩", "商贩": "摊贩", "摆摊": "摊贩", "小摊": "摊贩",
    "缴纳": "交", "缴": "交", "暖气费": "取暖费", "供暖费": "取暖费",
    "没水": "停水", "断水": "停水", "没电": "停电", "断电": "停电",
    "坏了": "不亮", "不通": "不亮",
}
_SYNONYM = re.compile("|".join(map(re.escape, sorted(_SYNONYMS, key=len, reverse=True))))


def _arabic(match):
    """A small Chinese numeral (up to 99) in Arabic digits: 十二 -> 12, 二十 -> 20, 三 -> 3."""
    word = match.group(0)
    if "十" not in word:
        return "".join(str(_CN_DIGITS[c]) for c in word)
    tens, _sep, units = word.partition("十")
    if "十" in units or any(c not in _CN_DIGITS for c in tens + units):
        return word
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0))


# A place: two characters before a place word ("阳光小区", "和平路"), or a building number.
_PLACE_SUFFIX = re.compile(r"(?<=\w\w)(?:小区|社区|街道|花园|家园|新村|大道|广场|市场|路|街|巷|村)")
_PLACE = re.compile(r"\d+(?:号楼|号|楼|栋|单元|层)|门口|路口|交叉口")
#: A bigram inside a place name counts this much: the problem matters more than the place, as
#: the candidates already share the town or the category.
PLACE_WEIGHT = 0.25


def bigrams(text):
    """The character bigrams of a text with their weights, punctuation and filler words dropped."""
    text = str(text or "")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _CN_NUMBER.sub(_arabic, text.lower())
    text = _SYNONYM.sub(lambda m: _SYNONYMS[m.group(0)], text)
    # dropped words join their neighbours: "暖气一直不热" reads as "暖气不热"
    text = _FILLER.sub("", text).translate(_DROP_FILLER_CHARS)
    place = bytearray(len(text))
    for match in _PLACE_SUFFIX.finditer(text):
        place[match.start() - 2:match.end()] = b"\1" * (match.end() - match.start() + 2)
    for match in _PLACE.finditer(text):
        place[match.start():match.end()] = b"\1" * (match.end() - match.start())
    starts = [i for run in _RUN.finditer(text) for i in range(run.start(), run.end() - 1)]
    grams = dict.fromkeys((text[i:i + 2] for i in starts if not (place[i] and place[i + 1])), 1.0)
    for i in starts:
        if place[i] and place[i + 1] and text[i:i + 2] not in grams:
            grams[text[i:i + 2]] = PLACE_WEIGHT
    return grams


def text_score(a, b):
    """How alike two weighted bigram sets are, 0..1: the mean of Dice and containment.

    Dice (shared / average size) is strict when one text is much longer than the other, as a
    one-line title is beside a description; containment (shared / smaller size) forgives that but
    rates a short text that shares only a few words too high. Their mean keeps both in check.
    """
    if not a or not b:
        return 0.0
    shared = sum(min(weight, b[gram]) for gram, weight in a.items() if gram in b)
    size_a, size_b = sum(a.values()), sum(b.values())
    return (2 * shared / (size_a + size_b) + shared / min(size_a, size_b)) / 2
