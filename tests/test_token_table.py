"""The token table analyze() returns: the same tokens as the stages made, kept in columns.

The oracle for a long text is each of its pieces analysed alone (a text of one piece keeps
the stages' own tuple), moved to where the piece starts in the text.
"""

from __future__ import annotations

import itertools
import pickle

import pytest

from pinyinize import Annotator, Format, RenderOptions, Source, Syllable, Token
from pinyinize.pipeline import CHUNK_LIMIT, split_into_chunks
from pinyinize.render import render
from pinyinize.select import Selector, parse_selection
from pinyinize.token_table import TokenColumns, TokenTable, TokenTableBuilder
from pinyinize.types import NUMERAL_POS, Document

USER_WORDS = {"曾国藩": "Zeng1 Guo2fan1"}
# Sentences of our own; each line is one sentence, so pieces end between them.
SENTENCES = [
    "他还了书。",
    "这本书共1,250元，比那本贵12.5%。",
    "曾国藩的家书写得很长。",
    "请给我一点儿水，我有一点儿渴。",
    "银行行长在2024年3月1日说了一句话。",
    "Hello，我们明天见！",
]


@pytest.fixture(scope="module")
def user_annotator() -> Annotator:
    return Annotator(user_dict=USER_WORDS)


def long_text() -> str:
    """Several pieces: the sentences again and again, one a line, past three chunk limits."""
    lines: list[str] = []
    while sum(map(len, lines)) < 3 * CHUNK_LIMIT:
        lines.extend(SENTENCES)
    return "\n".join(lines)


def moved(token: Token, by: int) -> Token:
    syllables = tuple(s._replace(offset=s.offset + by) for s in token.syllables)
    return token._replace(start=token.start + by, end=token.end + by, syllables=syllables)


def analysed_by_pieces(annotator: Annotator, text: str, **options: object) -> tuple[Token, ...]:
    """The tokens of ``text``, each piece analysed alone and moved to where it starts."""
    tokens: list[Token] = []
    by = 0
    for piece in split_into_chunks(text):
        tokens += (moved(t, by) for t in annotator.analyze(piece, **options).tokens)  # type: ignore[arg-type]
        by += len(piece)
    return tuple(tokens)


def in_columns(document: Document) -> TokenTable:
    """``document``'s tokens in a table of columns (two pieces: one piece stays a tuple)."""
    builder = TokenTableBuilder(document.text)
    builder.extend(document.tokens[:1])
    builder.extend(document.tokens[1:])
    return builder.build()


OPTIONS = [
    {},
    {"mode": "textbook", "numbers": True},
    {"mode": "spoken"},
]


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_a_long_text_has_the_tokens_of_its_pieces(user_annotator, options):
    text = long_text()
    document = user_annotator.analyze(text, **options)
    assert len(list(split_into_chunks(text))) > 3
    assert isinstance(document.tokens, TokenTable)
    assert isinstance(document.tokens._columns, TokenColumns)  # kept in columns
    expected = analysed_by_pieces(user_annotator, text, **options)
    assert document.tokens == expected
    assert tuple(document.tokens) == expected  # field for field, in both directions
    assert repr(document.tokens) == repr(expected)


def test_tokens_cover_the_text_exactly(user_annotator):
    text = long_text()
    tokens = user_annotator.analyze(text, numbers=True).tokens
    assert "".join(token.text for token in tokens) == text
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(a.end == b.start for a, b in itertools.pairwise(tokens))


def sentence_tokens(annotator: Annotator, sentence: str, **options: object) -> list[Token]:
    """The tokens of the last ``sentence`` of the long text (well past the first piece),
    moved back to count from the sentence's start."""
    text = long_text()
    start = text.rindex(sentence)
    assert start > 2 * CHUNK_LIMIT
    tokens = table_of(annotator, text, **options)
    return [moved(t, -start) for t in tokens if start <= t.start < start + len(sentence)]


def table_of(annotator: Annotator, text: str, **options: object) -> TokenTable:
    tokens = annotator.analyze(text, **options).tokens  # type: ignore[arg-type]
    assert isinstance(tokens, TokenTable)
    return tokens


def test_a_word_whose_reading_depends_on_its_sense(user_annotator):
    # 还书 huán shū, to return a book (CC-CEDICT 还 huán: to give back); 了 le.
    tokens = sentence_tokens(user_annotator, "他还了书。")
    assert [(t.text, t.start, t.end, t.readings) for t in tokens] == [
        ("他", 0, 1, ("ta1",)),
        ("还", 1, 2, ("huan2",)),
        ("了", 2, 3, ("le5",)),
        ("书", 3, 4, ("shu1",)),
        ("。\n", 4, 6, ()),  # a non-Han run: the line break too
    ]
    assert tokens[1].syllables == (
        Syllable("还", 1, ("hai2", "huan2", "fu2"), "huan2", Source.CONTEXT),
    )


def test_a_number_token_has_the_syllables_of_its_spoken_form(user_annotator):
    tokens = sentence_tokens(user_annotator, "这本书共1,250元，比那本贵12.5%。", numbers=True)
    number = next(t for t in tokens if t.text == "1,250")
    assert (number.start, number.end, number.is_han, number.pos) == (4, 9, False, NUMERAL_POS)
    # 一千二百五十 yīqiān èrbǎi wǔshí, every syllable said for the number's first character
    assert number.spoken == "一千二百五十"
    assert number.readings == ("yi1", "qian1", "er4", "bai3", "wu3", "shi2")
    assert {s.offset for s in number.syllables} == {4}
    assert {s.source for s in number.syllables} == {Source.NUMBER}
    percent = next(t for t in tokens if t.text == "12.5%")
    assert percent.spoken == "百分之十二点五"


def test_a_user_word_is_one_token_read_as_the_user_wrote_it(user_annotator):
    tokens = sentence_tokens(user_annotator, "曾国藩的家书写得很长。")
    word = tokens[0]
    assert (word.text, word.start, word.end) == ("曾国藩", 0, 3)
    # 曾 zēng as a surname; 国 guó, 藩 fān
    assert word.readings == ("zeng1", "guo2", "fan1")
    assert {s.source for s in word.syllables} == {Source.USER}


def test_erhua_in_textbook_mode(user_annotator):
    tokens = sentence_tokens(user_annotator, "请给我一点儿水，我有一点儿渴。", mode="textbook")
    word = next(t for t in tokens if t.text == "一点儿")
    # 一点儿 yīdiǎnr, with 一 yì before the third tone: 儿 joins 点 and has no syllable of its own
    assert word.syllables == (
        Syllable("一", 3, ("yi1", "yi2", "yi4"), "yi4", Source.RULE, "yi1"),
        Syllable("点", 4, ("dian3",), "dianr3", Source.RULE, "dian3"),
        Syllable("儿", 5, ("er2", "ren2", "r5", "er5"), None, Source.RULE, "er5", merged=True),
    )


SHORT_TEXTS = [
    ("他还了书", {}),
    ("共1,250元", {"numbers": True}),
    ("请给我一点儿水", {"mode": "textbook"}),
    ("曾国藩的家书", {}),
    ("Hi，你好!\n", {}),
]


@pytest.mark.parametrize(("text", "options"), SHORT_TEXTS, ids=[c[0] for c in SHORT_TEXTS])
def test_columns_give_back_the_tokens_the_stages_made(user_annotator, text, options):
    document = user_annotator.analyze(text, **options)
    assert not isinstance(document.tokens._columns, TokenColumns)  # one piece: their tuple
    table = in_columns(document)
    assert isinstance(table._columns, TokenColumns)
    assert table == document.tokens
    assert [tuple(t) for t in table] == [tuple(t) for t in document.tokens]


def test_it_behaves_like_the_tuple_of_its_tokens(user_annotator):
    table = table_of(user_annotator, long_text(), numbers=True)
    tokens = tuple(table)
    assert len(table) == len(tokens) and bool(table)
    for index in (0, 1, len(tokens) // 2, -1, -len(tokens)):
        assert table[index] == tokens[index]
    with pytest.raises(IndexError):
        table[len(tokens)]
    with pytest.raises(IndexError):
        table[-len(tokens) - 1]
    assert table[10:20] == tokens[10:20] and isinstance(table[10:20], tuple)
    assert table[-5:] == tokens[-5:]
    assert table[::-37] == tokens[::-37]
    assert table[5:5] == ()
    assert list(reversed(table)) == list(reversed(tokens))
    assert tokens[-1] in table and moved(tokens[-1], 1) not in table
    assert table.index(tokens[100]) == tokens.index(tokens[100])
    assert table.count(tokens[100]) == tokens.count(tokens[100])
    assert table == tokens and tokens == table
    assert table == list(tokens) and list(tokens) == table
    assert table != tokens[:-1] and table != (*tokens[:-1], tokens[-1]._replace(pos="x"))
    assert table != "not tokens"
    assert hash(table) == hash(tokens)
    assert table + tokens[:1] == (*tokens, tokens[0])
    assert tokens[:1] + table == (tokens[0], *tokens)


def test_two_tables_of_the_same_tokens_are_equal(user_annotator):
    text = long_text()
    first = user_annotator.analyze(text).tokens
    again = Annotator(user_dict=USER_WORDS).analyze(text).tokens  # values in another order
    assert first == again
    assert first != user_annotator.analyze(text, mode="spoken").tokens


@pytest.mark.parametrize("text", [long_text(), "他还了书", ""], ids=["columns", "tuple", "empty"])
def test_a_pickled_document_comes_back_equal(user_annotator, text):
    document = user_annotator.analyze(text, numbers=True)._replace(spellings={})
    # Values the document does not use, whatever the fixture analysed before: a text long
    # enough for columns (a text of one piece adds no values).
    unused = "鼹鼠。" * (CHUNK_LIMIT // 2)
    assert not set("鼹鼠") & set(text)
    user_annotator.analyze(unused)
    back = pickle.loads(pickle.dumps(document))
    assert back == document
    assert type(back.tokens) is TokenTable
    if isinstance(document.tokens._columns, TokenColumns):
        # only the values its own columns use travel with it
        assert len(back.tokens._columns.values) < len(document.tokens._columns.values)


def test_an_empty_text_has_no_tokens(annotator):
    tokens = annotator.analyze("").tokens
    assert len(tokens) == 0 and not tokens
    assert tokens == () and list(tokens) == []
    with pytest.raises(IndexError):
        tokens[0]


def test_selection_and_rendering_read_the_table_as_the_tuple(user_annotator):
    document = user_annotator.analyze(long_text(), numbers=True)
    as_tuple = document._replace(tokens=tuple(document.tokens))
    selector = Selector(user_annotator.lexicon, parse_selection("level:4,first"))
    selected = selector(document, set())
    assert selected == selector(as_tuple, set())
    for kind in Format:
        assert render(document, kind, RenderOptions()) == render(as_tuple, kind, RenderOptions())


def test_tokens_that_do_not_cover_the_text_are_refused():
    annotator = Annotator()
    annotator.replace_stage("disambiguate", lambda document: document._replace(tokens=()))
    with pytest.raises(ValueError, match="offset 0"):
        annotator.analyze("他还了书")
    builder = TokenTableBuilder("他还了书")
    token = Token("他", 0, 1, True)
    with pytest.raises(ValueError, match="do not cover"):
        builder.extend([token._replace(text="她")])
    with pytest.raises(ValueError, match="do not cover"):
        builder.extend([token, token._replace(start=2, end=3, text="了")])
    builder.extend([token])
    with pytest.raises(ValueError, match="not at the text's end"):
        builder.build()
