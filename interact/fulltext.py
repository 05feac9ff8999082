"""Search through the full-text index (SPEC §11): what the index keeps of an interaction, the
query that finds the records holding some words, and the first N of them in listing order.

The index (index/found.py) keeps, for each interaction, its text (query.facets' folded text,
then its contacts' and accounts' ids) cut into trigrams, under a rowid that follows the
listing order (`sort_code`). A word of 3 characters or more is asked for as all its
trigrams: every record that holds it is found, and a few others, which `Filter.matches`
then leaves out, as it does when it reads every record. A word in the name of a contact or
an account also finds their records, through one token each person has in the text
(`person_token`): three characters no text holds, so one trigram finds them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone, tzinfo
from functools import lru_cache

from .query import Filter, Names, deadline, facets, filter_records, sort_key

_FIRST_MINUTE = datetime(1900, 1, 1, tzinfo=timezone.utc)
NO_DEADLINE = (1 << 30) - 1  # the sort code of a record without a deadline: after every other
# How far a due day's end in any zone (UTC-12 to UTC+14) may be before its end in UTC, with a
# minute for the rounding: a record's deadline is never earlier than its code less this.
CODE_SLACK = 14 * 60 + 1
FULL_TEXT_PEOPLE = 2000  # a word in more names than this is looked for in every record's facets instead
_PRIVATE_USE = 0xF0000  # Supplementary Private Use Area-A: 65,534 characters no folded text holds


def sort_code(record: dict) -> int:
    """The minute (from 1900, in UTC) of a record's deadline, rounded down, which orders
    records as sort_key does to within CODE_SLACK minutes whatever the zone: the index keeps
    them in this order. A due day ends here at midnight UTC. NO_DEADLINE when there is none."""
    limit = deadline(record, timezone.utc)
    if limit is None:
        return NO_DEADLINE
    return int((limit - _FIRST_MINUTE).total_seconds() // 60)


@lru_cache(maxsize=65536)
def person_token(rid: str) -> str:
    """A contact's or an account's token in the full-text index: three private-use characters
    from a hash of its id (two ids share one about once in 10^14: a record found too many
    is left out by the filter)."""
    number = int.from_bytes(hashlib.blake2b(rid.encode(), digest_size=6).digest(), "big")
    return "".join(chr(_PRIVATE_USE + (number >> (16 * i)) % 0xFFFE) for i in range(3))


def search_text(record: dict) -> str:
    """What the full-text index keeps of an interaction: its own text, then the ids of its
    contacts and accounts (an id that names nobody is searched as text), then their tokens.
    From the facets the index made of it, when it has them."""
    kept = getattr(record, "facets", None) or facets(record)
    people = (*kept[1], *kept[2])
    return f"{kept[0]}\n{' '.join(people)}\n{' '.join(map(person_token, people))}"


def full_text_query(words: tuple[str, ...], names: Names) -> str | None:
    """The full-text query (FTS5, trigrams) that finds every record holding all the words (and
    some others: `Filter.matches` decides): each word of 3 characters or more as all its
    trigrams, or the token of a contact or account whose name holds it. None when no word
    can be asked for (all shorter than 3; or one in too many names): the caller reads every
    record."""
    terms = []
    for word in words:
        if len(word) < 3:
            continue  # the filter looks for it in what the longer words found
        by_contact, by_account = names.verdicts(word)
        people = [rid for pool, verdicts in ((names.contacts, by_contact), (names.accounts, by_account))
                  for rid in pool if verdicts[rid]]
        if len(people) > FULL_TEXT_PEOPLE:
            return None
        terms.append("(" + " OR ".join([_all_trigrams(word), *(_quoted(person_token(rid)) for rid in people)]) + ")")
    return " AND ".join(terms) or None


def _all_trigrams(text: str) -> str:
    trigrams = dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2))
    return "(" + " AND ".join(map(_quoted, trigrams)) + ")"


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def searched(store, flt: Filter, now: datetime, tz: tzinfo, names: Names) -> list | None:
    """query.select for a search, through the full-text index; None when it cannot be asked
    (no index, no FTS5, no word of 3 characters): the caller reads every record."""
    expression = full_text_query(flt.words, names)
    candidates = store.search(expression) if expression is not None else None
    if candidates is None:
        return None
    if flt.limit is not None and flt.status != "completed":
        return first_in_order(candidates, flt, now, tz, names)
    return filter_records((record for _, record in candidates), flt, now, tz, names)


def first_in_order(candidates, flt: Filter, now: datetime, tz: tzinfo, names: Names | None) -> list:
    """The first `flt.limit` records, in sort_key order, of those `flt` lets through among
    `candidates` ((sort code, record) in code order): reading stops at the first candidate
    that can no longer come before the last of them (its code is more than CODE_SLACK
    minutes after that one's deadline), so a word in 400,000 records costs a few."""
    best, bound = [], None
    key = lambda r: sort_key(r, tz)  # noqa: E731
    for code, record in candidates:
        if bound is not None and code > bound:
            break
        if not flt.matches(record, now, tz, names):
            continue
        best.append(record)
        if len(best) >= flt.limit:
            best.sort(key=key)
            del best[flt.limit:]
            last = deadline(best[-1], tz)
            bound = NO_DEADLINE if last is None else int((last - _FIRST_MINUTE).total_seconds() // 60) + CODE_SLACK
    best.sort(key=key)
    return best[:flt.limit]
