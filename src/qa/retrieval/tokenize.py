"""Tokenising for lexical search and name finding (left to the caller, as in rank_bm25).

Chinese text is searched by overlapping character bigrams (no dictionary can miss a word);
Latin words and numbers are kept whole. Word segmentation (jieba) is used only where words
matter: building the corpus vocabulary and finding names.
"""

from __future__ import annotations

import functools
import logging
import re
import threading

from qa.language import chinese
from qa.text import normalize

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_OR_NUMBER = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_jieba_lock = threading.Lock()
_jieba_ready = False


def lexical_tokens(text: str) -> list[str]:
    """Character bigrams of every Chinese run (single characters for one-character runs),
    plus Latin words and numbers."""
    normal = normalize(text)
    tokens: list[str] = []
    for run in _CJK_RUN.findall(normal):
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    tokens.extend(_LATIN_OR_NUMBER.findall(normal))
    return tokens


def jieba_module():
    """jieba, initialised once and quietly (it logs its dictionary loading at INFO)."""
    global _jieba_ready
    import jieba

    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba_ready = True
    return jieba


def words_with_tags(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs from jieba; 'ns' = place, 'nt' = organisation."""
    jieba_module()
    import jieba.posseg as posseg

    return [(pair.word, pair.flag) for pair in posseg.cut(text)]


def search_words(text: str) -> list[str]:
    """Words and their sub-words (jieba's search mode), Chinese only, two characters or more."""
    jieba = jieba_module()
    return [w for w in jieba.cut_for_search(text) if len(w) >= 2 and _CJK_RUN.fullmatch(w)]


@functools.lru_cache(maxsize=4096)
def is_noun(word: str) -> bool:
    """Whether jieba reads the word as one noun or name ('n', 'nz', 'ns'...; not a verbal
    noun like 建设, 'vn')."""
    tagged = words_with_tags(word)
    if not tagged or not tagged[-1][1].startswith(("n", "s")):  # 's': a place word (一中)
        return False
    # A head noun after numerals or adjectives is one noun too: 第二中学, 新校区.
    return all(tag[:1] in ("m", "a", "b") for _word, tag in tagged[:-1])


# A person in a report is named with a title or an address next to the name (市长张伟,
# 张伟同志); jieba's name tag alone takes tea brands and districts for people (白茶, 静安).
_PERSON = re.compile(rf"(?:{chinese.PERSON_TITLES})[\u4e00-\u9fff]{{2,3}}(?=[,，、。;；:：)”\s]|$)"
                     rf"|[\u4e00-\u9fff]{{2,3}}(?:{chinese.PERSON_ADDRESSES})")


def names_a_person(text: str) -> bool:
    """Whether the text names a person: a name of two or three characters after a title
    (时任市长张伟) or before an address (张伟同志)."""
    return bool(_PERSON.search(text))
