"""How the search reads text: words normalised, spellings folded, stop words dropped, stems, and snippet blocks.

The browser reads a query the same way, from the rules the index publishes in
``meta.json`` (``kb-search.js``): see :mod:`.index`.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

from snowballstemmer.english_stemmer import EnglishStemmer

BLOCK_CHARS = 600             # the text of one snippet block, at most (a sentence longer than this is cut)
REFERENCE_MARK = "\ue000"     # stands for a cross-reference in collected text until its label is known
STOP_WORDS = frozenset("""
a about above after again against all also am amongst an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while whilst who whom why will with would you your yours yourself yourselves
""".split())

# British and American spellings, folded to one form before stemming, at index and query
# time alike. Applied in order: a whole-word entry wins; otherwise the first prefix rule
# that matches, then the first suffix rule that matches (``keep``: letters that must remain
# before the suffix, so that "hour", "rise" or "telling" are left alone).
SPELLING = {
    "words": {
        "programme": "program", "programmes": "programs", "judgement": "judgment", "judgements": "judgments",
        "acknowledgement": "acknowledgment", "licence": "license", "licences": "licenses",
        "defence": "defense", "offence": "offense", "offences": "offenses", "pretence": "pretense",
        "learnt": "learned", "spelt": "spelled", "burnt": "burned", "dreamt": "dreamed",
        "maths": "math", "enrol": "enroll", "enrolment": "enrollment", "fulfil": "fulfill",
        "fulfilment": "fulfillment", "skilful": "skillful", "wilful": "willful", "focussed": "focused",
        "focussing": "focusing", "ageing": "aging", "grey": "gray", "mould": "mold", "tyre": "tire",
        "cheque": "check", "storey": "story", "aluminium": "aluminum", "sceptical": "skeptical",
        "sceptic": "skeptic", "scepticism": "skepticism",
    },
    "prefixes": [["enquir", "inquir"], ["practis", "practic"], ["paediatr", "pediatr"],
                 ["anaesth", "anesth"], ["manoeuvr", "maneuver"], ["encyclopaed", "encycloped"]],
    "suffixes": [
        ["isational", "izational", 3], ["isations", "izations", 3], ["isation", "ization", 3],
        ["ising", "izing", 3], ["ised", "ized", 3], ["ises", "izes", 3], ["isers", "izers", 3],
        ["iser", "izer", 3], ["ise", "ize", 3],
        ["ysing", "yzing", 2], ["ysed", "yzed", 2], ["yses", "yzes", 2], ["yse", "yze", 2],
        ["ourable", "orable", 3], ["ouring", "oring", 3], ["ourites", "orites", 3], ["ourite", "orite", 3],
        ["ourful", "orful", 3], ["ourhood", "orhood", 3], ["ourless", "orless", 3], ["oured", "ored", 3],
        ["ours", "ors", 3], ["our", "or", 3],
        ["tres", "ters", 3], ["tred", "tered", 3], ["tre", "ter", 3], ["bres", "bers", 2], ["bre", "ber", 2],
        ["ogues", "ogs", 3], ["ogue", "og", 3],
        ["ellings", "elings", 3], ["elling", "eling", 3], ["elled", "eled", 3], ["ellers", "elers", 3],
        ["eller", "eler", 3],
    ],
}
# Where lower-casing and full case folding differ, for characters that survive NFKD
# (Cherokee, whose folding goes to capitals, is left to lower-casing).
CASE_FOLD = {"\u00df": "ss", "\u03c2": "\u03c3", "\u1c80": "\u0432", "\u1c81": "\u0434", "\u1c82": "\u043e",
             "\u1c83": "\u0441", "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a", "\u1c87": "\u0463",
             "\u1c88": "\ua64b"}

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@lru_cache(maxsize=1)
def _mark_table() -> dict[int, None]:
    """Every nonspacing combining mark (category Mn), for ``str.translate``."""
    return dict.fromkeys(i for i in range(sys.maxunicode + 1) if unicodedata.category(chr(i)) == "Mn")


def normalise(text: str) -> str:
    """NFKD, combining marks removed, case folded: "Ærøskøbing Straße" -> "ærøskøbing strasse"."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text).translate(_mark_table()).lower()
    return "".join(CASE_FOLD.get(c, c) for c in text) if any(c in CASE_FOLD for c in text) else text


def fold_spelling(word: str) -> str:
    """One spelling for British and American variants: "organisational" -> "organizational"."""
    whole = SPELLING["words"].get(word)
    if whole is not None:
        return whole
    for old, new in SPELLING["prefixes"]:
        if word.startswith(old):
            word = new + word[len(old):]
            break
    for old, new, keep in SPELLING["suffixes"]:
        if word.endswith(old) and len(word) - len(old) >= keep:
            return word[:-len(old)] + new
    return word


_STEMMER = EnglishStemmer()


@lru_cache(maxsize=200_000)
def stem(form: str) -> str:
    return _STEMMER.stemWord(form)


@lru_cache(maxsize=200_000)
def _word(raw: str) -> tuple[str, str] | None:
    if len(raw) < 2 or raw in STOP_WORDS:
        return None
    form = fold_spelling(raw)
    return form, stem(form)


def words(text: str) -> list[tuple[str, str]]:
    """The (form, stem) of each searchable word of ``text``, in order (the same rule runs in the browser)."""
    found = []
    for raw in _WORD.findall(normalise(text)):
        word = _word(raw)
        if word is not None:
            found.append(word)
    return found


def tokens(text: str) -> list[str]:
    """The stems of the searchable words of ``text``."""
    return [s for _, s in words(text)]


@lru_cache(maxsize=200_000)
def shard_key(term: str) -> str:
    """The term shard a stem lives in: its first two characters, spelled as hex beyond ``[a-z0-9]``."""
    head = term[:2]
    if re.fullmatch(r"[a-z0-9]+", head):
        return head
    return "x" + "-".join(f"{ord(c):x}" for c in head)


def pair_key(first: str, second: str) -> str:
    return shard_key(first[:1]) + shard_key(second[:1])


# Page text ------------------------------------------------------------------------------------


def split_blocks(paragraphs: list[str], size: int = BLOCK_CHARS) -> tuple[str, ...]:
    """Paragraphs packed into blocks of at most ``size`` characters, broken at sentence ends."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= size:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            while len(sentence) > size:
                cut = sentence.rfind(" ", 0, size)
                cut = cut if cut > size // 2 else size
                pieces.append(sentence[:cut])
                sentence = sentence[cut:].lstrip()
            if sentence:
                pieces.append(sentence)
    blocks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > size:
            blocks.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    if current:
        blocks.append(current)
    return tuple(blocks)


@dataclass(frozen=True)
class PageText:
    """What a reader sees of a page's own text, collected while reading it.

    ``blocks`` hold the text, with :data:`REFERENCE_MARK` where a cross-reference
    without explicit text stands; ``references`` lists those references in order as
    ``(kind, target)``. Their labels are filled in when the index is built, from the
    current data, so that renaming an article re-labels every page citing it.

    The blocks are kept compressed (``packed``): every page's text is held from the
    moment the page is read until the index is made at the end of the build, and
    pickled with the environment; compressed, the 29 MB of 5,000 articles take 11.
    """

    packed: bytes = b""   # the blocks as a JSON list, compressed with zlib
    references: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, blocks: tuple[str, ...], references: tuple[tuple[str, str], ...] = ()) -> PageText:
        packed = zlib.compress(json.dumps(blocks, ensure_ascii=False).encode(), 1) if blocks else b""
        return cls(packed, references)

    @property
    def blocks(self) -> tuple[str, ...]:
        return tuple(json.loads(zlib.decompress(self.packed))) if self.packed else ()

    def resolved(self, label) -> tuple[str, ...]:
        """The blocks with each reference replaced by ``label(kind, target)``."""
        blocks = self.blocks
        if not self.references:
            return blocks
        labels = iter(self.references)
        out = []
        for block in blocks:
            parts = block.split(REFERENCE_MARK)
            text = parts[0]
            for part in parts[1:]:
                kind, target = next(labels, ("", ""))
                text += label(kind, target) + part
            out.append(text)
        return tuple(out)
