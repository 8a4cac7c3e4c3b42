"""What a figure is said of: the activity people are counted for (trained, sent, seconded,
employed, treated), and the milestone a year marks (work began, work finished).

A count of people answers a question about one activity only: "how many cadres were seconded"
is not answered by 培训干部950人次 (people trained); "when was the dam completed" is not
answered by 2004年…开工建设 (work began). The words are language data (qa.language); this
module finds which of them a text names.
"""

from __future__ import annotations

import re

from qa.language import chinese, english


def chinese_activities(text: str) -> set[str]:
    """The activities a Chinese text names (培训 -> train)."""
    return {name for name, words in chinese.PEOPLE_ACTIVITIES.items() if re.search(words, text)}


def asked_activities(question: str) -> set[str]:
    """The activities a question names, in English words or in Chinese."""
    words = set(re.findall(r"[a-z]+", question.lower()))
    found = {name for name, listed in english.PEOPLE_ACTIVITIES.items() if words & set(listed.split())}
    return found | chinese_activities(question)


def chinese_milestones(text: str) -> set[str]:
    """The milestones a Chinese text says a year marks (开工 -> start, 建成 -> finish)."""
    return {name for name, words in chinese.MILESTONES.items() if re.search(words, text)}


def asked_milestones(question: str) -> set[str]:
    """The milestone a "when" question asks about, in English words or in Chinese."""
    lowered = question.lower()
    found = {name for name, pattern in english.MILESTONES.items() if re.search(pattern, lowered)}
    return found | chinese_milestones(question)
