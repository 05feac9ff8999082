"""Reading an interaction file without the YAML parser (canonical.quick_load): a record is taken
that way only when its text is exactly what `interact` writes for it, so every file reads as
the YAML parser, with all its checks, would read it (SPEC §7: a store is untrusted input)."""

from __future__ import annotations

import random

import pytest

from interact import model
from interact.canonical import quick_load
from interact.serialisation import dump
from interact.store import Store

TRICKY = ["yes", "No", "null", "~", "true", "True", "1e3", "0x1F", "0o7", "1_000", "007", "-5", "+1", "12:30", ".5",
          "- a", "a: b", "a #b", "#a", " a", "a ", "---", "...", "<<", "1:20:30", ".inf", "NaN", "2026-11-24", "Zoë",
          "a\tb", "line\nbreak", "[x]", "{x}", "a,b", "a, b", "what?", "x:y", "!tag", "&anchor", "*alias", "%", "",
          "=======", "<<<<<<< ours", "case:4711"]
CHARACTERS = "ab Z09-_.:,#?[]{}&*!|>'\"%@`~=+/\\()é\t\n\r"


def parsed(text, quick: bool, monkeypatch):
    """model.load's record, or its error's text, with or without the quick path."""
    monkeypatch.setattr(model, "quick_load", quick_load if quick else (lambda text: None))
    try:
        return dict(model.load(text))
    except ValueError as error:
        return f"error: {error}"


def test_every_file_of_the_demo_store_reads_as_the_yaml_parser_reads_it(monkeypatch, tmp_path):
    from conftest import DEMO

    files = sorted(DEMO.glob("interactions/*/*/*.yaml"))
    quick = [path for path in files if quick_load(path.read_bytes()) is not None]
    assert len(quick) >= len(files) // 2  # most files a store holds take the quick path
    for path in files:
        text = path.read_bytes()
        assert parsed(text, True, monkeypatch) == parsed(text, False, monkeypatch), path


def test_random_records_and_damaged_texts_read_as_the_yaml_parser_reads_them(monkeypatch):
    rng = random.Random(17)
    took_quick = 0
    for _ in range(3000):
        word = rng.choice(TRICKY) if rng.random() < 0.5 else "".join(
            rng.choice(CHARACTERS) for _ in range(rng.randint(1, 8)))
        record = {"id": "abcdefghjk", "type": "call", "when": "2026-11-24T14:30:00+00:00",
                  rng.choice(["note", "outcome", "zz_unknown"]): word,
                  "tags": [word, "vip"] if rng.random() < 0.3 else ["vip"],
                  "ratings": {word: 3} if rng.random() < 0.2 else {"interest": 4},
                  "duration": rng.choice([5, 30, -5, 10 ** 20, True, "5"]),
                  "personal": rng.choice([True, False, "yes"])}
        text = dump(record, "interaction")
        if rng.random() < 0.5:  # a hand edit, a bad merge, an attacker's bytes
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["&a ", "*a", "!!str ", "\n", ": ", "  ", "[", "{", "#", "\r", "é",
                                           "id: x\n", "\n=======\n", word]) + text[at:]
        took_quick += quick_load(text) is not None
        data = text.encode("utf-8")
        assert parsed(data, True, monkeypatch) == parsed(data, False, monkeypatch), text
    assert took_quick > 100  # the quick path was taken often enough to be tested


@pytest.mark.parametrize("text", [
    b"id: abcdefghjk\ntype: call\nnote: &a x\n",          # an anchor
    b"id: abcdefghjk\ntype: call\nnote: !!python/name:os.system x\n",
    b"id: abcdefghjk\ntype: call\ntype: visit\n",         # a key twice
    b"id: abcdefghjk\ntype: call\nduration: 0x1f\n",      # a number YAML reads otherwise
    b"id: abcdefghjk\ntype: call\npersonal: yes\n",
    b"id: abcdefghjk\r\ntype: call\r\n",
    b"id: abcdefghjk\ntype: call",                         # no line break at the end
    b"type: call\nid: abcdefghjk\n",                       # keys out of the written order
])
def test_a_text_not_as_interact_writes_it_goes_to_the_yaml_parser(text):
    assert quick_load(text) is None


def test_a_store_with_packs_reads_the_same_records_either_way(tmp_path, monkeypatch):
    from packstore import make

    from datetime import date

    from interact.packing import first_kept, pack

    store = make(tmp_path / "records")
    packer = Store(store)
    assert pack(packer, first_kept(packer, date(2026, 11, 25))).records
    Store(store).interactions()  # and the index the same as the files
    quick = [dict(r) for r in Store(store, cache=False).interactions()]
    assert quick == [dict(r) for r in Store(store).interactions()]
    monkeypatch.setattr(model, "quick_load", lambda text: None)
    assert quick == [dict(r) for r in Store(store, cache=False).interactions()]


def test_a_record_says_whether_it_was_read_from_its_very_canonical_text(tmp_path):
    """`pack` takes the bytes of such a file as they are (and writes any other record's again)."""
    record = {"id": "abcdefghjk", "type": "call", "when": "2026-11-24T14:30:00+00:00", "tags": ["vip"]}
    text = dump(record, "interaction")
    assert model.load(text).read_canonical and model.load(text.encode()).read_canonical
    assert not model.load("# by hand\n" + text).read_canonical
    assert not model.load(text.replace("call", "'call'")).read_canonical
    assert not model.Record(record).read_canonical
    from packstore import make

    store = make(tmp_path / "records")
    assert any(r.read_canonical for r in Store(store, cache=False).interactions())
    Store(store).interactions()
    from_index = Store(store).interactions()  # built by the unpickler, without __init__
    assert from_index and not any(r.read_canonical for r in from_index)
