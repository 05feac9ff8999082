"""Record ids: an interaction's (random, or derived from a key so that two clones make the same
one), the shortest prefix that tells it apart, and the slug a contact's or an account's id is
made from its name. What an id may be, read from a file, is untrusted.py's to say (is_slug,
id_fits_file)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter
from itertools import compress
from operator import itemgetter

from .text import without_accents

ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
ID_LENGTH = 10
MIN_PREFIX = 4


def new_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def derived_id(key: str) -> str:
    """A stable id from a key (for records that two clones must create identically)."""
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    chars = []
    for _ in range(ID_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ID_ALPHABET[digit])
    return "".join(chars)


def is_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in ID_ALPHABET for c in text)


def shortest_prefixes(ids, wanted=None) -> dict[str, str]:
    """Each id's shortest prefix unique among `ids`, at least MIN_PREFIX characters (like git);
    only for the ids in `wanted` when given (a listing shows a few of 100,000: much quicker)."""
    pending = set(ids if wanted is None else wanted)
    if wanted is None:
        pool = set(pending)
    else:
        # only the ids that share a wanted id's first MIN_PREFIX characters can lengthen its
        # prefix: one pass in C keeps those, and the loop below counts a few hundred, not all
        head = itemgetter(slice(0, MIN_PREFIX))
        heads = set(map(head, pending))
        pool = set(compress(ids, map(heads.__contains__, map(head, ids)))) | pending
    result, length = {}, MIN_PREFIX
    while pending:  # a length at a time, looking only at ids that still share a prefix
        head = itemgetter(slice(0, length))  # map(head, ...) slices without a Python call per id
        counts = Counter(map(head, pool))
        unique = set(compress(pending, map((1).__eq__, map(counts.__getitem__, map(head, pending)))))
        result.update(zip(unique, map(head, unique)))
        pending -= unique
        shared = set(map(head, pending))
        pool = set(compress(pool, map(shared.__contains__, map(head, pool))))
        length += 1
    return result


def slugify(name: str) -> str:
    """A file-safe id from a name: 'Jane Doe' -> 'jane-doe'. Never empty, never a path."""
    # accents dropped ('Zoë' -> 'zoe'); letters of other scripts kept ('Иван' -> 'иван')
    slug = re.sub(r"[\W_]+", "-", without_accents(name).lower()).strip("-")  # runs of what is not a letter or digit
    return slug[:60].strip("-") or "x"  # 60: room for unique_id's -2, -3 ... within SLUG_LENGTH
