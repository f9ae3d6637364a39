"""What every renderer needs: which pieces of a document carry which written pinyin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pinyinize.orthography import starts_sentence, write_word
from pinyinize.spell import Tones, spell, spell_word
from pinyinize.types import Document, Source, Token
from pinyinize.userdict import without_tone_marks

__all__ = ["Piece", "pieces"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the input and the pinyin written over it (None: left bare)."""

    text: str
    pinyin: str | None
    syllables: tuple[str, ...] = ()  # per-character spellings, for per-character ruby


def pieces(document: Document, tones: Tones, orthography: bool = False) -> Iterator[Piece]:
    """Annotated words and bare text, covering the document in order.

    A Han word in which some character has no known reading is split into its characters so
    that the ones that do have a reading are still annotated.  With ``orthography``, words
    are written as GB/T 16159-2012 asks (capitals, names apart; see pinyinize.orthography).
    A number token (``12.5%``, read by the numbers stage) is one piece under the pinyin of
    its spoken form (bǎi fēn zhī shí'èr diǎn wǔ), with no per-character syllables.
    """
    sentence_start = True
    for token in document.tokens:
        if token.is_han and not token.selected:
            sentence_start = False
            yield Piece(token.text, None)
        elif token.annotatable:
            piece = _word_piece(token, tones)
            spelling = _user_spelling(token, document.spellings.get(token.text), tones)
            if spelling is not None:  # the user's spelling wins, over orthography's too
                piece = Piece(piece.text, spelling, piece.syllables)
            elif orthography:
                written = write_word(token, tones, sentence_start)
                piece = Piece(piece.text, written, piece.syllables)
            sentence_start = False
            yield piece
        elif token.is_number:
            sentence_start = False
            yield Piece(token.text, _number_pinyin(token, tones))
        elif token.is_han and token.syllables:
            for syllable in token.syllables:
                if syllable.reading:
                    spelled = spell(syllable.reading, tones)
                    yield Piece(syllable.char, spelled, (spelled,))
                else:
                    yield Piece(syllable.char, None)
        else:
            sentence_start = starts_sentence(token.text, sentence_start)
            yield Piece(token.text, None)


def _user_spelling(token: Token, spelling: str | None, tones: Tones) -> str | None:
    """The user dictionary's spelling of the word, in the styles it can be written in."""
    if spelling is None or not all(s.source is Source.USER for s in token.syllables):
        return None  # a tone rule changed a reading: the user's spelling no longer holds
    if tones is Tones.MARKS:
        return spelling
    return without_tone_marks(spelling) if tones is Tones.NONE else None


def _word_piece(token: Token, tones: Tones) -> Piece:
    return Piece(
        token.text,
        spell_word(token.readings, tones),
        # per character: a merged erhua 儿 carries nothing, its r is on the syllable before
        tuple(spell(s.reading, tones) if s.reading else "" for s in token.syllables),
    )


def _number_pinyin(token: Token, tones: Tones) -> str:
    """The spoken form of a number token, written as words (一千 二百 五十: yìqiān èrbǎi
    wǔshí) apart; with tone numbers every syllable apart (yi1 qian1 er4 bai3 wu3 shi2), as a
    speech front end reads them."""
    from pinyinize.numbers import number_words  # only numbers read by request get here

    readings = [s.reading or "" for s in token.syllables]
    if tones is Tones.NUMBERS:
        return " ".join(spell(reading, tones) for reading in readings)
    written = []
    position = 0
    for word in number_words(token.spoken):
        written.append(spell_word(readings[position : position + len(word)], tones))
        position += len(word)
    return " ".join(written)
