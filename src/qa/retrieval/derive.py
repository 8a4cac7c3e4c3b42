"""Everything derived from the passages at index time, stored with the index as JSON.

Building these needs jieba, pypinyin and CC-CEDICT (seconds of work); loading them back is
a JSON read, so no question ever pays for it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from qa.retrieval.bridge import Dictionary, build_bridge
from qa.retrieval.documents import passage_years, profile_documents, title_place_names
from qa.retrieval.gazetteer import Gazetteer, build_gazetteer
from qa.retrieval.tokenize import search_words, words_with_tags
from qa.text import simplified
from qa.types import Passage


def derive_all(passages: list[Passage], cache_dir=None) -> dict[str, object]:
    """``cache_dir`` keeps the parsed CC-CEDICT between builds (it does not depend on the corpus)."""
    texts = [simplified(p.text) for p in passages]
    tagged = [words_with_tags(text) for text in texts]
    vocabulary: Counter[str] = Counter()
    for passage, text in zip(passages, texts):
        vocabulary.update(search_words(text))
        if passage.section:
            vocabulary.update(search_words(simplified(passage.section)))
    dictionary = Dictionary.load(cache_dir)
    titles = list(dict.fromkeys(t for p in passages for t in (p.title or "", PurePosixPath(p.doc).stem)))
    gazetteer = build_gazetteer(passages, tagged, dictionary.english_names, dictionary.is_common_word,
                                extra_names=title_place_names(titles))
    profiles = profile_documents(passages, Gazetteer(gazetteer))
    for entity in gazetteer["entities"]:
        for form in entity["forms"]:
            vocabulary[form] += 1
    return {
        "gazetteer": gazetteer,
        "bridge": build_bridge(dict(vocabulary), dictionary, "\n".join(texts)),
        "documents": {doc: profile.to_dict() for doc, profile in profiles.items()},
        "passage_years": [passage_years(p, profiles.get(p.doc)) for p in passages],
        "vocabulary": {"words": sorted(vocabulary), "pinyin": _pinyin_index(vocabulary),
                       "transcript": _pinyin_transcript(passages)},
    }


def _pinyin_index(vocabulary: Counter[str]) -> dict[str, list[str]]:
    """Toneless pinyin -> the corpus's words spelt so ("gongcheng" -> 工程), most frequent first."""
    from qa.retrieval.gazetteer import pinyin_key

    index: dict[str, list[str]] = {}
    for word, _count in vocabulary.most_common():
        if len(word) >= 2:
            index.setdefault(pinyin_key(word), []).append(word)
    return {key: words[:3] for key, words in index.items()}


# The transcript lets a romanised name that no word list holds still be found in the text;
# past this size the substring search would cost more per question than it is worth.
MAX_TRANSCRIPT_CHARS = 2_000_000


def transcript_runs(passages: list[Passage]) -> list[str]:
    """The runs of Chinese text the pinyin transcript spells, in its order: one syllable per
    character, so a match in the transcript points back to the characters."""
    import re

    return [run for p in passages for run in re.findall(r"[\u4e00-\u9fff]+", f"{p.section or ''} {p.text}")]


def _pinyin_transcript(passages: list[Passage]) -> str | None:
    """The corpus's Chinese text in toneless pinyin, syllables separated by spaces and runs of
    Chinese text by "|", so that a match can be held to syllable boundaries."""
    from pypinyin import lazy_pinyin

    runs = transcript_runs(passages)
    if sum(len(r) for r in runs) > MAX_TRANSCRIPT_CHARS // 6:
        return None
    return "|".join(" ".join(lazy_pinyin(run)).lower().replace("ü", "v") for run in runs)