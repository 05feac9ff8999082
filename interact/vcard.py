"""Reading vCard files (RFC 2426 3.0, RFC 6350 4.0, and the 2.1 that Outlook still writes).

A careful hand parser rather than a library: it needs only the few properties a contact
keeps (FN, N, EMAIL, TEL, ORG, TITLE, UID), and it must read what address books really
write: folded lines, Outlook's quoted-printable with soft line breaks and CHARSET
parameters, bare 2.1 parameters (`TEL;CELL;PREF:`), Apple's grouped properties
(`item1.EMAIL;type=INTERNET;type=pref:`), 4.0's `PREF=1`, escaped commas and semicolons.
Work is done on bytes until a value's charset is known.
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field

# TYPE values that say nothing about which address or number it is
_GENERIC_TYPES = {"internet", "pref", "voice", "x400", "text", "msg", "other"}
_KNOWN_2_1_ENCODINGS = {"quoted-printable", "base64", "b", "8bit", "7bit"}


class VCardError(ValueError):
    """A file that holds no readable vCard."""


@dataclass
class Address:
    value: str
    rank: int      # preference: 1 is most preferred (4.0 PREF=1, 3.0 TYPE=pref, 2.1 PREF); 100 when unstated
    label: str     # the first specific TYPE (cell, home, work...), or ""


@dataclass
class Card:
    line: int                      # the line of its BEGIN:VCARD
    name: str = ""
    uid: str = ""
    org: str = ""
    title: str = ""
    emails: list[Address] = field(default_factory=list)
    phones: list[Address] = field(default_factory=list)


@dataclass
class Property:
    name: str                      # upper case, without its group
    params: dict[str, list[str]]   # upper-case names -> values (2.1's bare `CELL` is TYPE=CELL)
    raw: bytes                     # the value, still encoded


# --- lines -------------------------------------------------------------------------------

def logical_lines(data: bytes) -> list[tuple[int, bytes]]:
    """(line number, content line) after unfolding: a line starting with a space or a tab
    continues the one before; a quoted-printable line ending in '=' continues on the next."""
    lines: list[tuple[int, bytes]] = []
    soft_break = False
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        if lines and (soft_break or line[:1] in (b" ", b"\t")):
            start, text = lines[-1]
            lines[-1] = (start, text[:-1] + line if soft_break else text + line[1:])
        elif line.strip():
            lines.append((number, line))
        else:
            continue
        text = lines[-1][1]
        soft_break = text.endswith(b"=") and b"QUOTED-PRINTABLE" in _head(text).upper()
    return lines


def _head(line: bytes) -> bytes:
    """The name and parameters of a content line: up to the first colon outside quotes."""
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return line[:index]
    return line


def parse_property(line: bytes) -> Property | None:
    head = _head(line)
    if len(head) == len(line):
        return None  # no colon: not a property
    parts = _split(head.decode("ascii", "replace"), ";")
    name = parts[0].rsplit(".", 1)[-1].strip().upper()  # item1.EMAIL -> EMAIL
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep:  # 2.1: TEL;CELL;PREF, EMAIL;INTERNET, NOTE;QUOTED-PRINTABLE
            key, value = ("ENCODING" if key.lower() in _KNOWN_2_1_ENCODINGS else "TYPE"), key
        values = [v.strip().strip('"') for v in _split(value, ",")]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return Property(name, params, line[len(head) + 1:])


def _split(text: str, separator: str) -> list[str]:
    """Split on `separator` outside double quotes."""
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


# --- values ------------------------------------------------------------------------------

def decoded(prop: Property) -> str:
    """The property's value as text: quoted-printable undone, then read in its CHARSET
    (UTF-8 unless it says; Windows-1252 when it is not UTF-8, as Outlook writes)."""
    raw = prop.raw
    if any(value.lower() == "quoted-printable" for value in prop.params.get("ENCODING", [])):
        raw = quopri.decodestring(raw)
    charset = (prop.params.get("CHARSET") or ["utf-8"])[0]
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return raw.decode("cp1252", "replace")


def components(text: str) -> list[str]:
    """A structured value (N, ORG) split on unescaped ';', each part unescaped."""
    return [unescape(part) for part in re.split(r"(?<!\\);", text)]


def unescape(text: str) -> str:
    """\\n and \\N are line breaks; \\, \\; \\: and \\\\ stand for themselves."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], text).strip()


def _rank(prop: Property) -> int:
    types = [t.lower() for t in prop.params.get("TYPE", [])]
    pref = prop.params.get("PREF", [])
    if pref and pref[0].isdigit():
        return max(int(pref[0]), 1)
    return 1 if "pref" in types or pref else 100


def _label(prop: Property) -> str:
    types = [t.lower() for t in prop.params.get("TYPE", []) if t.lower() not in _GENERIC_TYPES]
    return re.sub(r"[^a-z0-9]+", "-", types[0]).strip("-") if types else ""


def _name_from_n(value: str) -> str:
    """N is family;given;additional;prefixes;suffixes: written as a person says it."""
    family, given, additional, prefix, suffix = (components(value) + [""] * 5)[:5]
    return " ".join(part for part in (prefix, given, additional, family, suffix) if part)


# --- cards -------------------------------------------------------------------------------

def read_cards(data: bytes) -> list[Card]:
    """Every card of a .vcf file, in order. A file without one is a VCardError."""
    cards: list[Card] = []
    card, depth, formatted, structured = None, 0, "", ""
    for number, line in logical_lines(data.removeprefix(b"\xef\xbb\xbf")):
        prop = parse_property(line)
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.raw.strip().upper() == b"VCARD":
            depth += 1
            if depth == 1:
                card, formatted, structured = Card(number), "", ""
            continue
        if prop.name == "END" and prop.raw.strip().upper() == b"VCARD":
            depth -= 1
            if depth == 0 and card is not None:
                card.name = formatted or structured
                cards.append(card)
                card = None
            depth = max(depth, 0)
            continue
        if card is None or depth != 1:  # outside a card, or inside a 2.1 AGENT's card
            continue
        value = decoded(prop)
        if prop.name == "FN":
            formatted = formatted or unescape(value)
        elif prop.name == "N":
            structured = structured or _name_from_n(value)
        elif prop.name in ("EMAIL", "TEL") and unescape(value):
            target = card.emails if prop.name == "EMAIL" else card.phones
            text = unescape(value)
            if prop.name == "TEL" and text.lower().startswith("tel:"):  # 4.0: TEL;VALUE=uri:tel:+44...
                text = text[4:]
            target.append(Address(text, _rank(prop), _label(prop)))
        elif prop.name == "ORG":
            card.org = card.org or next((part for part in components(value) if part), "")
        elif prop.name == "TITLE":
            card.title = card.title or unescape(value)
        elif prop.name == "UID":
            card.uid = card.uid or unescape(value)
    if not cards:
        from . import messages as msg

        raise VCardError(msg.no_vcard())
    return cards


def preferred(addresses: list[Address]) -> Address | None:
    """The preferred address or number, else the first."""
    return min(addresses, key=lambda a: a.rank) if addresses else None
