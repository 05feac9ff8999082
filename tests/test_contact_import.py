"""`contact import FILE.vcf`: cards from an iPhone (Apple 3.0), Google (3.0) and Outlook (2.1 with
quoted-printable, and a 4.0 card), imported twice with the store byte-identical after the second."""

from pathlib import Path

import pytest
import vobject

from interact.model import load
from interact.vcard import VCardError, logical_lines, preferred, read_cards

from test_crm_import import store_files

BOOK = Path(__file__).parent / "data" / "address_book.vcf"


def contact(store: Path, cid: str) -> dict:
    return load((store / "contacts" / f"{cid}.yaml").read_bytes())


def test_the_fixture_holds_three_address_book_styles():
    data = BOOK.read_bytes()
    assert b"PRODID:-//Apple Inc.//iPhone OS" in data and b"item1.EMAIL;type=INTERNET;type=pref:" in data
    assert b"TYPE=INTERNET;TYPE=WORK" in data and b"X-ABLabel:\r\n" in data          # Google
    assert b"VERSION:2.1" in data and b"ENCODING=QUOTED-PRINTABLE:Ren=E9e" in data    # Outlook, Windows-1252
    assert b"VERSION:4.0" in data and b"PREF=1" in data and b"\r\n " in data         # 4.0; folded lines


def test_import_twice_leaves_the_store_byte_identical(run, demo):
    before = store_files(demo)
    dry = run.ok("contact", "import", str(BOOK), "--dry-run")
    assert store_files(demo) == before and "would import 6 contacts (3 new, 3 updated)" in dry.stderr
    first = run.ok("contact", "import", str(BOOK))
    assert first.stdout.split() == ["zoe-muller", "佐藤-健二", "renee-dubois", "sam-okafor", "priya-shah", "tom-baker"]
    assert first.stderr.splitlines() == [
        "imported zoe-muller without the account 'Fenwick Bikes, Cycles & Repairs': it is not in the store "
        "(import with --create-missing to create it, or `interact account add`)",
        "imported 6 contacts (3 new, 3 updated)"]
    after = store_files(demo)
    second = run.ok("contact", "import", str(BOOK))
    assert second.stdout == "" and store_files(demo) == after
    assert second.stderr == "imported 0 contacts (0 new, 0 updated); 6 already up to date\n"

    sam = contact(demo, "sam-okafor")  # Apple: matched by email, updated in place, its own fields kept
    assert sam["phone"] == "+44 7700 900123" and sam["accounts"] == ["brightside-school"]
    assert sam["fields"] == {"role": "Bursar", "email-home": "sam.okafor@mail.example",
                             "phone-work": "+44 113 496 0500", "title": "Head of Admissions",
                             "vcard_uid": "0D5E1F2A-3B4C-4D5E-8F90-A1B2C3D4E5F6"}
    zoe = contact(demo, "zoe-muller")
    assert zoe["name"] == "Zoë Müller" and "accounts" not in zoe
    assert zoe["fields"]["title"].endswith("folds this line in the middle of a word")
    priya = contact(demo, "priya-shah")  # Google: no UID, matched by email; no pref: the first
    assert priya["email"] == "priya@northwind.example" and priya["phone"] == "07700 900456"
    assert priya["fields"] == {"email-home": "priya.shah@mail.example", "phone-work": "+44 1904 555 0101"}
    kenji = contact(demo, "佐藤-健二")
    assert kenji["name"] == "佐藤 健二" and kenji["accounts"] == ["kestrel-housing"]
    renee = contact(demo, "renee-dubois")  # Outlook 2.1: quoted-printable in Windows-1252, bare PREF
    assert renee["name"] == "Renée Dubois" and renee["email"] == "renee@harbour.example"
    assert renee["phone"] == "+44 7700 900789" and renee["accounts"] == ["harbour-foods"]
    assert renee["fields"] == {"email-2": "renee.dubois@mail.example", "phone-work": "+44 1482 000111",
                               "title": "Buyer", "vcard_uid": "outlook-4711-renee"}
    tom = contact(demo, "tom-baker")  # 4.0: PREF=1 wins over the first; a tel: URI
    assert tom["email"] == "tom.baker@mail.example" and tom["phone"] == "+44-7700-900321"
    assert tom["fields"]["email-work"] == "tom@acme.example"
    assert len(list((demo / "contacts").glob("*.yaml"))) == 11


def test_create_missing_adds_the_organisation(run, demo):
    done = run.ok("contact", "import", str(BOOK), "--create-missing")
    assert "created account fenwick-bikes-cycles-repairs (Fenwick Bikes, Cycles & Repairs)" in done.stderr
    assert contact(demo, "zoe-muller")["accounts"] == ["fenwick-bikes-cycles-repairs"]
    after = store_files(demo)
    run.ok("contact", "import", str(BOOK), "--create-missing")
    assert store_files(demo) == after


def test_a_card_imported_again_after_a_change_updates_its_contact(run, demo, tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL;TYPE=pref:ada@old.example\r\n"
            "TEL:+44 20 7946 0000\r\nUID:ada-1\r\nEND:VCARD\r\n")
    source = tmp_path / "ada.vcf"
    source.write_text(card, newline="")
    assert run.ok("contact", "import", str(source)).stdout == "ada-lovelace\n"
    source.write_text(card.replace("ada@old.example", "ada@new.example").replace("FN:Ada Lovelace",
                                                                                  "FN:Ada King"), newline="")
    again = run.ok("contact", "import", str(source))
    assert again.stdout == "ada-lovelace\n" and "(0 new, 1 updated)" in again.stderr
    ada = contact(demo, "ada-lovelace")
    assert (ada["name"], ada["email"], ada["fields"]) == ("Ada King", "ada@new.example", {"vcard_uid": "ada-1"})
    assert len(list((demo / "contacts").glob("ada*.yaml"))) == 1


def test_bad_cards_are_listed_and_nothing_is_written(run, demo, tmp_path):
    source = tmp_path / "mixed.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Good Person\nUID:u1\nEND:VCARD\n\n"
                      "BEGIN:VCARD\nVERSION:3.0\nEMAIL:nobody@example.com\nEND:VCARD\n"
                      "BEGIN:VCARD\nVERSION:3.0\nFN:Twin\nUID:u1\nEND:VCARD\n")
    before = store_files(demo)
    refused = run("contact", "import", str(source))
    assert refused.exit_code == 1 and store_files(demo) == before
    assert refused.stderr.startswith("Error: 2 cards cannot be imported, so nothing was written")
    assert refused.stderr.splitlines()[1:] == [
        "  line 7 (no name): the card has no name (neither FN nor N): add one in the address book",
        "  line 11 (Twin): it has the same UID (u1) as the card on line 1"]
    done = run.ok("contact", "import", str(source), "--skip-bad")
    assert done.stdout == "good-person\n" and "warning: skipped the card on line 7 (no name)" in done.stderr


@pytest.mark.parametrize("data", [b"", b"hello\n", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
def test_a_file_without_cards_is_one_line_and_exit_1(run, tmp_path, data):
    source = tmp_path / "x.vcf"
    source.write_bytes(data)
    result = run("contact", "import", str(source))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "holds no vCard" in result.stderr


# --- the parser -------------------------------------------------------------------------------

def test_unfolding_and_quoted_printable_soft_breaks():
    lines = logical_lines(b"A:one\r\n two\r\n\tthree\r\nNOTE;ENCODING=QUOTED-PRINTABLE:x=\r\ny=\r\nz\r\n\r\nB:b\r\n")
    assert lines == [(1, b"A:onetwothree"), (4, b"NOTE;ENCODING=QUOTED-PRINTABLE:xyz"), (8, b"B:b")]


def test_values_escapes_charsets_and_preferences():
    card, = read_cards(
        b"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg;;Dr.;\n"
        b"ORG:Smith\\, Jones \\; Co;Sales\nEMAIL;INTERNET:first@example.com\nEMAIL;INTERNET;PREF:second@example.com\n"
        b"TEL;HOME:1\nTEL;CELL:2\nTEL;CELL:3\nEND:VCARD\n")
    assert card.name == "Dr. J\u00f6rg M\u00fcller" and card.org == "Smith, Jones ; Co"
    assert preferred(card.emails).value == "second@example.com"
    assert [(p.value, p.label) for p in card.phones] == [("1", "home"), ("2", "cell"), ("3", "cell")]
    assert preferred(card.phones).value == "1"
    with pytest.raises(VCardError):
        read_cards(b"BEGIN:VCARD\nFN:never ended\n")


def test_the_parser_agrees_with_vobject_on_the_3_0_and_4_0_cards():
    """An independent reading of the same file (vobject reads 3.0 and 4.0, not Outlook's 2.1)."""
    data = BOOK.read_bytes()
    ours = {card.name: card for card in read_cards(data)}
    text = data.decode("utf-8", "replace").split("BEGIN:VCARD\r\nVERSION:2.1")[0]  # the UTF-8 part
    theirs = list(vobject.readComponents(text))
    assert len(theirs) == 4
    for other in theirs:
        card = ours[other.fn.value]
        assert [a.value for a in card.emails] == [e.value for e in other.contents.get("email", [])]
        assert [a.value for a in card.phones] == [t.value for t in other.contents.get("tel", [])]
        assert card.org == other.org.value[0]
        assert card.uid == (other.uid.value if "uid" in other.contents else "")


# --- what contact import shares with the other commands -----------------------------------

def test_a_huge_address_book_is_refused_before_it_is_read(run, demo, tmp_path, monkeypatch):
    from interact import interop

    monkeypatch.setattr(interop, "MAX_BYTES", 1000)  # the limit of every import (SPEC §7)
    source = tmp_path / "big.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Big Card\nNOTE:" + "x" * 2000 + "\nEND:VCARD\n")
    before = store_files(demo)
    for args, kwargs in (([str(source)], {}), (["-"], {"input": source.read_bytes()})):
        result = run("contact", "import", *args, **kwargs)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "is over 0 MiB" in result.stderr
    assert "cannot import stdin" in result.stderr and store_files(demo) == before


def test_a_card_that_matches_several_contacts_lists_them_as_references_do(run, demo, tmp_path):
    run.ok("contact", "add", "Ada Lovelace", "--email", "ada@one.example")
    run.ok("contact", "add", "ada lovelace", "--email", "ada@two.example", "--duplicate")
    source = tmp_path / "ada.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada  LOVELACE\nEND:VCARD\n")  # by its name, folded
    result = run("contact", "import", str(source))
    assert result.exit_code == 1 and "it matches several contacts" in result.stderr
    assert ("ada-lovelace  Ada Lovelace  <ada@one.example>; ada-lovelace-2  ada lovelace  <ada@two.example>"
            in result.stderr)
