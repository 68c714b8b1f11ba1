#!/usr/bin/env python3
"""Tokenizer fixtures for the PoQ evaluator's BERT WordPiece tokenizer.

The reference is the Hugging Face `tokenizers` package (pinned in tools/requirements.txt):
BertWordPieceTokenizer over the model's vocab.txt, lowercase, accents stripped, Chinese
characters split, text cleaned, LongestFirst truncation; the special tokens are not registered
as added tokens, so text spelling "[SEP]" is encoded as ordinary text.

  poq_tokenizer_fixtures.py corpus     rewrite Tests/Fixtures/poq/tokenizer-corpus.json
  poq_tokenizer_fixtures.py expected   rewrite Tests/Fixtures/poq/tokenizer-expected.json
  poq_tokenizer_fixtures.py print      print the expected encodings of the committed corpus
  poq_tokenizer_fixtures.py print --tokenizer-json PATH
                                       the same, with the reference loaded from a tokenizer.json
  poq_tokenizer_fixtures.py variants   print, for each normalizer variant in VARIANTS, the
                                       encodings of the corpus (alone at 512, pairs at 24) by the
                                       model's tokenizer.json with its normalizer so changed
  poq_tokenizer_fixtures.py codepoints print, for every code point the reference changes or
                                       splits, "hex<TAB>normalized hex scalars<TAB>p|w|n"

Expected encodings: every corpus string alone (max length 512 and 16) and as pairs with the
next string (max length 512 and 24), each with ids and type ids.
"""
import json
import os
import random
import sys

from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB = os.path.join(ROOT, "models", "all-MiniLM-L6-v2", "vocab.txt")
TOKENIZER_JSON = os.path.join(ROOT, "models", "all-MiniLM-L6-v2", "tokenizer.json")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "poq")
CORPUS = os.path.join(FIXTURES, "tokenizer-corpus.json")
EXPECTED = os.path.join(FIXTURES, "tokenizer-expected.json")

HAND_WRITTEN = [
    "", " ", "   ", "\t\n\r", "\u00a0", "\u3000", "\u2028\u2029", "\u200b", "\u200d", "\u200c",
    "Hello, world!", "HELLO WORLD", "hello   world", " leading and trailing ",
    "How many people live in Berlin?",
    "Berlin has a population of about 3.7 million registered inhabitants.",
    "New York City has many museums, such as the Met and MoMA.",
    "unaffable", "unwanted running", "Transformers are the state-of-the-art!",
    "Ångström", "café crème brûlée", "naïve résumé", "São Paulo", "Zürich Straße",
    "ŁÓDŹ", "İstanbul", "ıi İI", "ΣΊΣΥΦΟΣ", "Ελληνικά", "Москва", "ДОБРЫЙ ДЕНЬ",
    "ǅemal", "ﬁnance ﬂow", "Ⅻ ⅻ", "①②③", "ｆｕｌｌｗｉｄｔｈ", "ＡＢＣ１２３",
    "e\u0301", "e\u0301\u0302", "a\u0328\u0301", "\u0301", "\u0301\u0301abc", "o\u0308\u0304",
    "\u1e9b\u0323", "\u212b", "\u2126", "\u00c5\u0041\u030a",
    "北京是中国的首都", "我爱自然语言处理。", "東京タワー", "ひらがなカタカナ", "漢字かなまじり文",
    "한국어 텍스트", "안녕하세요!", "\u1112\u1161\u11ab", "ﾊﾝｶｸ", "𠀀𠀁 𪜀", "\u3400\u4dbf",
    "\uf900\ufaff", "\U0002f800", "กรุงเทพมหานคร", "ภาษาไทย", "العربية", "مرحبا بالعالم",
    "\u200fשלום\u200f", "\u200eLTR\u200e", "\u202eevil\u202c", "עברית", "हिन्दी", "தமிழ்",
    "ქართული", "Հայերեն", "ᚠᛇᚻ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝐁𝐨𝐥𝐝", "😀", "😀😃😄", "👍🏽", "👨‍👩‍👧‍👦",
    "🏳️‍🌈", "🇩🇪🇺🇸", "❤️", "a😀b", "emoji😀inside", "🥰🥳🫠", "🦀 rust",
    "!!!", "?!?!", "...", "…", "—", "–-", "«quotes»", "„Anführungszeichen“", "“smart”",
    "'single'", "`backtick`", "~tilde~", "$100.00", "50%", "a+b=c", "x^2", "#hashtag",
    "@mention", "email@example.com", "https://example.com/path?q=1&r=2#frag",
    "C:\\Windows\\System32", "<html><body>hi</body></html>", "{\"json\": [1, 2, 3]}",
    "¿Qué?", "¡Hola!", "§ 12", "¶", "©®™", "°C", "±", "×÷", "€£¥₹", "¢", "‰", "†‡", "•·",
    "「括弧」", "『二重』", "【注】", "〜", "、。", "٪", "؟", "،", "।", "॥", "၊",
    "\x00", "a\x00b", "\ufffd", "a\ufffdb", "\x01\x02\x03", "a\x07b", "\x1b[31mred\x1b[0m",
    "\x7f", "\x85", "a\x9fb", "\u00ad", "soft\u00adhyphen", "\ufeffBOM", "\u2060wj",
    "\ue000private", "\U000f0000", "\u0378", "\U000e0001tag", "\u061c", "\u180e",
    "line1\nline2", "tab\tseparated\tvalues", "cr\rlf", "crlf\r\nend", "\x0b\x0c",
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a", "\u205f\u1680",
    "a" * 100, "a" * 101, "b" * 99 + "!", "x" * 250, "é" * 100, "é" * 101,
    "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "Donaudampfschifffahrtsgesellschaftskapitän", "antidisestablishmentarianism",
    "123456789012345678901234567890", "3.14159", "1,000,000", "0x1F600", "v1.2.3-beta",
    "don't can't won't", "rock'n'roll", "U.S.A.", "e.g.", "i.e.,", "Mr. Smith Jr.",
    "[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]", "a [SEP] b", "x[CLS]y", "##ing", "##", "#", "[", "]",
    "ǈ", "ǋ", "ǲ", "ᾈ", "ᾼ", "Ω", "K", "ẞ", "ß", "ŉ", "ǰ", "ΐ", "ﬀ", "ﬃ", "ﬅ", "ﬓ",
    "ⓐⓑⓒ", "ⒶⒷⒸ", "㍿", "㎏", "℡", "№", "™", "ℌ", "ℵ", "∑∏∫", "√2", "∞", "≠≤≥",
    "→←↑↓", "♠♣♥♦", "★☆", "✓✗", "⚡", "☃", "♀♂", "⌘", "⏎", "␣",
    "mixed English 中文 and 日本語 text", "Deutsch und Русский und العربية",
    "Ünïcödé Ëvërÿwhërë", "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ", "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ",
    "Việt Nam", "Tiếng Việt có dấu", "Ṁḁṅẏ Ḋịảćṙịṭịḉṡ", "Zalgo: Z̷̡̛a̸l̵g̶o̴",
    "\u07fdx", "\U0002b820\U0002b920", "a\u166db", "\U00011938", "\u1734", "\u0890x", "a\u2e55b",
    "a\u0301\u0316", "o\u0323\u0302\u0300", "\u1ec7\u0301", "\U0001f9cc\U0001fae8",
    "ⅰⅱⅲ", "¼½¾", "²³¹", "ªº", "µ", "ÿ", "Ÿ", "ǅ", "ǆ",
]


def generated():
    """Seeded random strings mixing the characters tokenizers treat specially."""
    rng = random.Random(20240605)
    pool = ("abcXYZ 019,.!?'\"-_()[]{}é\u0301\u0308ñÅ北京東한글กไعربשל😀👍\u200d\u200b\u200f"
            "\u00a0\u3000\t\n\x00\x07\ufffd\u00ad\ufeffİıΣσßﬁ①…—«»¿")
    out = []
    for _ in range(70):
        n = rng.randint(1, 40)
        out.append("".join(rng.choice(pool) for _ in range(n)))
    words = ["berlin", "population", "museum", "new", "york", "the", "of", "running",
             "embedding", "transformer", "tokenization", "unbelievable", "multilingual"]
    for _ in range(30):
        n = rng.randint(5, 60)
        out.append(" ".join(rng.choice(words) for _ in range(n)))
    return out


def tokenizer():
    """BertWordPieceTokenizer's pipeline, built from its parts without registering the
    special tokens as added tokens: text that spells "[SEP]" is then ordinary text, so a prompt
    or output cannot inject segment boundaries."""
    if not os.path.exists(VOCAB):
        sys.exit(f"missing {VOCAB}: run scripts/setup")
    vocab = WordPiece.read_file(VOCAB)
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100,
                              continuing_subword_prefix="##"))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.BertProcessing(("[SEP]", vocab["[SEP]"]), ("[CLS]", vocab["[CLS]"]))
    return tok


# Normalizer settings other than the model's (lowercase, strip_accents, handle_chinese_chars).
VARIANTS = [
    {"lowercase": False, "strip_accents": None, "handle_chinese_chars": True},
    {"lowercase": False, "strip_accents": True, "handle_chinese_chars": True},
    {"lowercase": True, "strip_accents": False, "handle_chinese_chars": True},
    {"lowercase": True, "strip_accents": None, "handle_chinese_chars": False},
]


def tokenizer_from_json(path, normalizer=None):
    """The pipeline a tokenizer.json describes, with its added tokens dropped (so that text
    spelling "[SEP]" is ordinary text, as in tokenizer()) and its own padding and truncation
    off (transformers replaces them on every call); `normalizer` overrides normalizer fields."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    spec["added_tokens"] = []
    spec["normalizer"].update(normalizer or {})
    tok = Tokenizer.from_str(json.dumps(spec))
    tok.no_padding()
    tok.no_truncation()
    return tok


def encode(tok, a, b, max_length):
    tok.enable_truncation(max_length=max_length, strategy="longest_first")
    enc = tok.encode(a, b) if b is not None else tok.encode(a)
    assert all(m == 1 for m in enc.attention_mask)
    case = {"a": a, "maxLength": max_length, "ids": enc.ids, "typeIds": enc.type_ids}
    if b is not None:
        case["b"] = b
    return case


def expected(strings, tok=None):
    tok = tok or tokenizer()
    cases = []
    for i, s in enumerate(strings):
        cases.append(encode(tok, s, None, 512))
        cases.append(encode(tok, s, None, 16))
        nxt = strings[(i + 1) % len(strings)]
        cases.append(encode(tok, s, nxt, 512))
        cases.append(encode(tok, s, nxt, 24))
    return {"reference": "tokenizers BertNormalizer+BertPreTokenizer+WordPiece+BertProcessing over models/all-MiniLM-L6-v2/vocab.txt",
            "cases": cases}


def codepoints():
    tok = tokenizer()
    out = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        normalized = tok.normalizer.normalize_str(c)
        pieces = tok.pre_tokenizer.pre_tokenize_str("a" + c + "b")
        kind = "p" if len(pieces) == 3 else ("w" if [p for p, _ in pieces] == ["a", "b"] else "n")
        if normalized != c or kind != "n":
            out.append("%x\t%s\t%s\n" % (cp, " ".join("%x" % ord(x) for x in normalized), kind))
    sys.stdout.write("".join(out))


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "corpus":
        os.makedirs(FIXTURES, exist_ok=True)
        with open(CORPUS, "w") as f:
            json.dump(HAND_WRITTEN + generated(), f, indent=0)
            f.write("\n")
    elif command in ("expected", "print"):
        with open(CORPUS) as f:
            strings = json.load(f)
        tok = None
        if command == "print" and len(sys.argv) == 4 and sys.argv[2] == "--tokenizer-json":
            tok = tokenizer_from_json(sys.argv[3])
        text = json.dumps(expected(strings, tok), separators=(",", ":"))
        if command == "print":
            sys.stdout.write(text + "\n")
        else:
            with open(EXPECTED, "w") as f:
                f.write(text + "\n")
    elif command == "codepoints":
        codepoints()
    elif command == "variants":
        with open(CORPUS) as f:
            strings = json.load(f)
        out = []
        for variant in VARIANTS:
            tok = tokenizer_from_json(TOKENIZER_JSON, variant)
            cases = [encode(tok, s, None, 512) for s in strings]
            cases += [encode(tok, s, strings[(i + 1) % len(strings)], 24) for i, s in enumerate(strings)]
            out.append({"normalizer": variant, "cases": cases})
        sys.stdout.write(json.dumps(out, separators=(",", ":")) + "\n")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
