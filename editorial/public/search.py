"""Public search's rules: which pages match, in what order, what passage each shows, and
which published words a search that found nothing may have meant.

Everything here reads the search rows of live publications (`PublicationSearch`, derived
from each publication's frozen content) and nothing else. PostgreSQL matches with
full-text search (stemmed: "blocks" finds "block"); SQLite matches whole words, case
aside. The passage and "Did you mean" are worked out in Python, the same on both.
"""

import difflib
import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nltk.stem.snowball import SnowballStemmer

from editorial.lookups import SEARCH_PARTS, WORD, words_of

# How many pages a search lists: the best matches, never the whole site.
RESULTS_SHOWN = 50
# A passage longer than this many words is cut around its first match.
PASSAGE_WORDS = 30
# How close a published word must be to one searched for to be offered instead.
SUGGESTION_CUTOFF = 0.8

# How much a match counts in each part: PostgreSQL's default weights for A to D.
PART_WEIGHTS = dict(zip(SEARCH_PARTS, (1.0, 0.4, 0.2, 0.1), strict=True))

_stemmer = SnowballStemmer("english")
# The Snowball stemmer of each other language's text-search configuration.
STEMMERS = {"es": "spanish"}


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """`text` in lower case without its accents ("Náuseas" is "nauseas"), as another
    language's search compares words: PostgreSQL's unaccent, and SQLite's rule in Python."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str) -> list[str]:
    """The distinct words of a search, lower case, in the order typed."""
    return list(dict.fromkeys(words_of(query)))


def rank_key(parts: dict[str, str], words: list[str]) -> tuple[int, float]:
    """Where a page stands for these words (SQLite's ranking; higher first).

    The rule, as PostgreSQL ranks with weights A to D: a page whose title or cancer type
    holds any of the words comes before every page where they appear only further down;
    then pages are ordered by where the words appear (drug names 0.4, drug facts and
    side-effect terms 0.2, the page's sentences 0.1, the heading 1.0), each mention
    counting. Ties go by title, which the caller sorts by first.
    """
    wanted = set(words)
    counts = {part: 0 for part in SEARCH_PARTS}
    for part in SEARCH_PARTS:
        counts[part] = sum(1 for word in words_of(parts[part]) if word in wanted)
    score = sum(PART_WEIGHTS[part] * count for part, count in counts.items())
    return (1 if counts["heading"] else 0, score)


def whole_word_matcher(words: Iterable[str], folded: bool = False) -> Callable[[str], bool]:
    """A word matches when it is one of `words`, case aside (SQLite's rule); `folded`:
    accents aside too (another language's rule, `fold`)."""
    if folded:
        wanted = {fold(word) for word in words}
        return lambda word: fold(word) in wanted
    wanted = {word.lower() for word in words}
    return lambda word: word.lower() in wanted


def stem_matcher(lexemes: Iterable[str], language: str | None = None) -> Callable[[str], bool]:
    """A word matches when its English stem is one of the query's lexemes (PostgreSQL's
    rule: its 'english' configuration stems with the same Snowball algorithm). In
    another language, the word is folded (`fold`) and stemmed as that language's
    configuration does (unaccent, then its Snowball stemmer)."""
    wanted = set(lexemes)
    if language in STEMMERS:
        stemmer = SnowballStemmer(STEMMERS[language])
        return lambda word: fold(word) in wanted or stemmer.stem(fold(word)) in wanted

    def matches(word: str) -> bool:
        lower = word.lower()
        return lower in wanted or _stemmer.stem(lower) in wanted

    return matches


@dataclass(frozen=True)
class Segment:
    """A piece of a passage, and whether it is a searched word (shown marked)."""

    text: str
    marked: bool = False


def _segments(passage: str, matches: Callable[[str], bool]) -> list[Segment]:
    segments, at = [], 0
    for found in WORD.finditer(passage):
        if matches(found.group()):
            if found.start() > at:
                segments.append(Segment(passage[at : found.start()]))
            segments.append(Segment(found.group(), marked=True))
            at = found.end()
    if at < len(passage):
        segments.append(Segment(passage[at:]))
    return segments


def _window(passage: str, matches: Callable[[str], bool]) -> str:
    """The passage, or for a long one about PASSAGE_WORDS words from just before its
    first match, with an ellipsis where it was cut."""
    found = list(WORD.finditer(passage))
    if len(found) <= PASSAGE_WORDS:
        return passage
    first = next((i for i, word in enumerate(found) if matches(word.group())), 0)
    start = max(0, min(first - 5, len(found) - PASSAGE_WORDS))
    end = start + PASSAGE_WORDS
    text = passage[found[start].start() : found[end - 1].end()]
    return f"{'… ' if start else ''}{text}{' …' if end < len(found) else ''}"


def passage(parts: dict[str, str], matches: Callable[[str], bool]) -> list[Segment]:
    """The passage a result shows: the one holding most of the searched words, marked.

    Passages are the lines of the drug names, drug facts and page's sentences; among
    those with as many words matched, a sentence of the page comes first, then the
    earliest. When only the title or cancer type matched, the page's first sentence
    shows, with nothing marked.
    """
    best, best_score = "", 0
    for part in ("body", "facts", "names"):
        for line in parts[part].splitlines():
            score = len({word.lower() for word in WORD.findall(line) if matches(word)})
            if score > best_score:
                best, best_score = line, score
    if not best:
        first = (parts["body"] or parts["facts"]).splitlines()
        return [Segment(_window(first[0], lambda word: False))] if first else []
    return _segments(_window(best, matches), matches)


def vocabulary_of(words_columns: Iterable[str]) -> list[str]:
    """The words "Did you mean" may offer: every word of live pages that has a letter."""
    vocabulary: set[str] = set()
    for words in words_columns:
        vocabulary.update(words.split())
    return sorted(word for word in vocabulary if any(c.isalpha() for c in word))


def suggestions(query: str, vocabulary: list[str], limit: int = 3) -> list[str]:
    """Searches that spell the query's unknown words as published pages do.

    Each word of the query that no live page contains is replaced by the closest
    published words (difflib's ratio of at least SUGGESTION_CUTOFF). With one such word,
    up to `limit` searches, closest first; with several, one search with each replaced
    by its closest. None when every word is known or one has no close spelling.
    """
    words = query_words(query)
    known = set(vocabulary)
    unknown = [word for word in words if word not in known]
    if not unknown:
        return []
    close = {
        word: difflib.get_close_matches(word, vocabulary, n=limit, cutoff=SUGGESTION_CUTOFF)
        for word in unknown
    }
    if any(not matches for matches in close.values()):
        return []
    if len(unknown) == 1:
        (word,) = unknown
        return [" ".join(m if w == word else w for w in words) for m in close[word]]
    return [" ".join(close[w][0] if w in close else w for w in words)]
