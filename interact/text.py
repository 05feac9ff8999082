"""Text as a person sees it and as interact compares it: control characters from a store shown
escaped, never obeyed (`printable`); case, accents and spacing folded away for matching (`fold`)."""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, and the C1 controls (ESC is \x1b): what a terminal obeys
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match) -> str:
    return f"\\x{ord(match.group()):02x}"


def printable(text: str) -> str:
    """`text` with every control character but newline and tab shown as its escape, e.g.
    ESC as `\\x1b`, so that no record or file name can drive the terminal that shows it."""
    if _CONTROL.search(text) is None:  # the usual case: nothing to escape, the text itself
        return text
    return _CONTROL.sub(_escape, text)


def without_accents(text: str) -> str:
    """'Zoë Ångström' -> 'Zoe Angstrom'; letters of other scripts are kept ('Иван')."""
    if text.isascii():  # the usual case, and 30 times quicker than decomposing
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text) -> str:
    """Text as names and searches compare it: case and accents ignored, every run of white
    space one space ('  Zoë\nÅngström' -> 'zoe angstrom')."""
    return without_accents(" ".join(str(text).split()).casefold())


def one_kind_of_line_break(text: str) -> str:
    """CRLF and a lone CR (old Mac exports) as \\n, the line break a record stores."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def utf8_text(data: bytes, where: str) -> str:
    """The text of bytes that came in (stdin, a file to import): UTF-8, a BOM left out, never
    guessed at; anything else is a user error naming `where`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        from . import messages as msg

        raise msg.input_not_utf8(where, data, error) from None
