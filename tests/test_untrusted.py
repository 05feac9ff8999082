"""The rules a store's files keep (SPEC §7), in the library: YAML, ids, ranges, nesting, interact.yaml.

The same attacks run as a user meets them, through the installed command, in test_hostile_store.py.
"""

from __future__ import annotations

import string

import pytest
import yaml

from interact.model import (
    Config, RecordLoader, id_fits_file, is_slug, load, load_data, slugify, validate_account, validate_contact,
    validate_interaction,
)
from interact.untrusted import NESTING, _NODE_PROPERTY, config_problems, nests_deeper

BILLION_LAUGHS = "".join(
    ["x-laughs: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [f"x-{level}: &{chr(98 + level)} [{', '.join([f'*{chr(97 + level)}'] * 9)}]\n" for level in range(8)])


def interaction(**fields) -> dict:
    return {"id": "7kq2m9xd4t", "type": "call", "when": "2026-11-24T14:30:00+00:00", **fields}


# --- YAML: no anchors, aliases or tags ---------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("a: &x 1\nb: *x\n", "line 1: YAML anchors and aliases (&x) are refused"),
    ("a: [1, 2]\nb: [*x]\n", "line 2: YAML anchors and aliases (*x) are refused"),
    ("a: !!str 1\n", "line 1: YAML tags (!!str) are refused"),
    ("a: !local x\n", "line 1: YAML tags (!local) are refused"),
    ('note: !!python/object/apply:os.system ["true"]\n', "YAML tags (!!python/object/apply:os.system)"),
    ("\ufeffa: &x 1\n", "(&x) are refused"),
    ("a:\n\u2028&x b: 1\n", "(&x) are refused"),  # a line separator is a line break to libyaml
    ("a: [1,\x85*x]\n", "(*x) are refused"),
])
def test_anchors_aliases_and_tags_are_refused(text, problem):
    for data in (text, text.encode()):
        with pytest.raises(ValueError, match=r"does not parse at ") as info:
            load(data)
        assert problem in str(info.value)


def test_billion_laughs_is_refused_before_anything_is_built():
    assert len(BILLION_LAUGHS) < 500
    with pytest.raises(ValueError, match="anchors and aliases"):
        load(f"id: 7kq2m9xd4t\ntype: call\n{BILLION_LAUGHS}")


@pytest.mark.parametrize("text", ["note: Tom & Jerry *really* said hi!!\n", "note: 'Q&A: *all* of it!'\n",
                                  "a: |\n  &x and *y\n", "email: a*b&c@example.com\n"])
def test_ampersands_stars_and_bangs_in_text_are_text(text):
    assert load(text) == yaml.safe_load(text)


def test_the_quick_look_never_misses_an_anchor_alias_or_tag():
    """The regular expression that decides whether the events are looked at must match every
    text in which the parser finds an anchor, an alias or a tag, whatever comes before it."""
    before = string.printable + "\u00a0\u0085\u2028\u2029\ufeff\u3000é"
    shapes = ["{p}{s}x 1\n", "a: {p}{s}x 1\n", "a: [{p}{s}x]\n", "a: [1,{p}{s}x]\n", "a: {{b: {p}{s}x}}\n",
              "a: {{{p}{s}x: 1}}\n", "- {p}{s}x\n", "a:\n  - {p}{s}x\n", "? {p}{s}x\n: 1\n", '{{"a":{p}{s}x}}\n',
              "--- {p}{s}x\n", "{p}{s}x: 1\n", "a:\n{p}{s}x b: 1\n", "a: 1{p}{s}x b: 2\n"]
    found = 0
    for shape in shapes:
        for p in before:
            for symbol in "&*!":
                text = shape.format(p=p, s=symbol)
                try:
                    events = list(yaml.parse(text.encode(), Loader=RecordLoader))
                except yaml.YAMLError:
                    continue
                if any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) or getattr(e, "tag", None)
                       for e in events):
                    found += 1
                    assert _NODE_PROPERTY[bytes].search(text.encode()), text
                    assert _NODE_PROPERTY[str].search(text), text
    assert found > 100  # the shapes do make anchors, aliases and tags


def test_load_data_reads_any_document_by_the_same_rules():
    assert load_data("") is None and load_data("- a\n") == ["a"]
    with pytest.raises(ValueError, match="anchors and aliases"):
        load_data("hooks: &h {on_log: x}\nmore: *h\n")


# --- ids ----------------------------------------------------------------------------

@pytest.mark.parametrize("rid", ["jane-doe", "x", "zoë", "иван-петров", "北京-2", "a1-b2-c3", "x" * 80])
def test_slugs(rid):
    assert is_slug(rid)


@pytest.mark.parametrize("rid", ["../../x", "/etc/passwd", "Jane", "jane--doe", "-jane", "jane-", "jane_doe",
                                 "jane.doe", "jane doe", "", "x" * 81, "a\x00b", "a/b", 5, None, ["x"]])
def test_not_slugs(rid):
    assert not is_slug(rid)


def test_slugify_always_makes_a_slug():
    points = [chr(point) for point in range(0x110000) if not 0xD800 <= point < 0xE000]
    for start in range(0, len(points), 15):  # every character of Unicode, 15 a name (the slug keeps 60)
        name = " ".join(f"a{c}b" for c in points[start:start + 15])
        assert is_slug(slugify(name)), name
    for name in ("", "!!!", "İstanbul", "ǅemal", "ΣΊΣΥΦΟΣ", "x" * 300, "a" + "\u0301" * 50):
        assert is_slug(slugify(name)), name


def test_an_id_must_fit_its_file_name():
    assert id_fits_file("jane-doe", "contacts/jane-doe.yaml", "contact")
    assert not id_fits_file("jane-doe", "contacts/jane.yaml", "contact")
    assert not id_fits_file("doe", "contacts/jane-doe.yaml", "account")
    assert id_fits_file("7kq2m9xd4t", "interactions/2026/11/7kq2m9xd4t.yaml", "interaction")
    assert id_fits_file("7kq2m9xd4t", "interactions/2026/11/call-7kq2m9xd4t.yaml", "interaction")
    assert not id_fits_file("7kq2m9xd4t", "interactions/2026/11/7kq2m9xd4t-old.yaml", "interaction")


def test_contact_and_account_ids_are_slugs():
    for validate in (validate_contact, validate_account):
        assert validate({"id": "jane-doe", "name": "Jane"}) == []
        for rid in ("../../x", "/home/me/.config/interact/config"):
            assert validate({"id": rid, "name": "Jane"}) == [
                "'id' should be a slug like jane-doe (lower-case letters and digits, single - between them, "
                f"at most 80 characters), not {rid!r}"]


# --- ranges and nesting in records --------------------------------------------------

@pytest.mark.parametrize("fields, problem", [
    ({"when": "0001-01-01T00:00:00+14:00"}, "'when' '0001-01-01T00:00:00+14:00' is outside the years 1900-2999"),
    ({"when": "9999-12-31T23:59:00-12:00"}, "'when' '9999-12-31T23:59:00-12:00' is outside the years 1900-2999"),
    ({"completed_at": "3000-01-01T00:00:00+00:00"}, "'completed_at' '3000-01-01T00:00:00+00:00' is outside"),
    ({"due": "9999-12-31"}, "'due' '9999-12-31' is outside the years 1900-2999"),
    ({"due": "2026-02-30"}, "'due' should be a date like 2026-11-28, not '2026-02-30'"),
    ({"duration": 0}, "'duration' 0 should be more than 0 and at most 527040 minutes (366 days)"),
    ({"duration": 600000 * 7 * 24 * 60}, "'duration' 6048000000 should be more than 0 and at most 527040"),
    ({"ratings": {"interest": 6}}, "'ratings' should map names to numbers from 1 to 5"),
    ({"posts": [{"at": "9999-12-31T00:00:00+00:00", "by": "bob", "text": "hi"}]}, "'posts: at' '9999-12-31"),
    ({"x-extra": [[[[[[[[[[[["deep"]]]]]]]]]]]]}, f"'x-extra' nests lists or mappings more than {NESTING}"),
])
def test_values_out_of_range_make_an_interaction_invalid(fields, problem):
    problems = validate_interaction(interaction(**fields), Config())
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_values_in_range_are_valid():
    record = interaction(due="2999-12-31", duration=366 * 24 * 60, ratings={"interest": 5},
                         completed_at="1900-01-02T00:00:00+00:00", **{"x-extra": {"a": [{"b": [1]}]}})
    assert validate_interaction(record, Config()) == []


@pytest.mark.parametrize("cadence, valid", [("30d", True), ("520w", True), ("30", True), ("600w", False),
                                            ("600000w", False), ("0d", False), ("soon", False), (True, False)])
def test_cadences_are_durations_of_at_most_ten_years(cadence, valid):
    problems = validate_contact({"id": "jane", "name": "Jane", "cadence": cadence})
    assert (problems == []) is valid, problems


def test_a_contacts_fields_may_not_nest_deeply():
    deep = {"a": [[[[[[[[[[[1]]]]]]]]]]]}
    assert validate_contact({"id": "jane", "name": "Jane", "fields": deep}) == [
        f"'fields' nests lists or mappings more than {NESTING} levels deep"]
    assert validate_contact({"id": "jane", "name": "Jane", "fields": {"a": [[1]]}}) == []


@pytest.mark.parametrize("value, levels, deeper", [
    ("text", 0, False), ({}, 1, False), ([[]], 1, True), ([[]], 2, False), ([["x"]], 2, False),
    ({"a": [{"b": []}]}, 3, True), ({"a": [{"b": []}]}, 4, False), ([1, [2, [3]], 4], 3, False),
])
def test_nesting_is_counted_one_way_for_records_and_imports(value, levels, deeper):
    """The value itself is the first level, and an empty list or mapping counts as one: the
    record's free values (at most NESTING) and an import's JSON (interop.MAX_DEPTH) alike."""
    assert nests_deeper(value, levels) is deeper


def test_a_nesting_a_thousand_deep_is_refused_without_recursion():
    text = "id: 7kq2m9xd4t\ntype: call\nx: " + "[" * 990 + "]" * 990 + "\n"
    assert validate_interaction(load(text), Config()) == [
        f"'x' nests lists or mappings more than {NESTING} levels deep"]


# --- interact.yaml, key by key ------------------------------------------------------

@pytest.mark.parametrize("data, problem", [
    ({"types": "call"}, "has types: 'call', which should be a list of words, like [call, visit, email]"),
    ({"types": ["call", "a b"]}, "has types: ['call', 'a b'], which should be a list of words"),
    ({"users": 5}, "has users: 5, which should be a list of user names, like [alice, bob]"),
    ({"users": "alice"}, "has users: 'alice', which should be a list of user names"),
    ({"users": ["alice", ["bob"]]}, "has users: ['alice', ['bob']], which should be a list of user names"),
    ({"users": [True]}, "has users: [True], which should be a list of user names"),
    ({"timezone": "Mars/Olympus"}, "has timezone: 'Mars/Olympus', which should be a time zone, like Europe/London"),
    ({"purposes": [{"a": 1}]}, "has purposes: [{'a': 1}], which should be a list of texts"),
    ({"ratings": "interest"}, "has ratings: 'interest', which should be a list of rating names"),
    ({"require_category": "yes"}, "has require_category: 'yes', which should be true or false"),
    ({"require_anything": 1}, "has require_anything: 1, which should be true or false"),
    ({"auto_commit": "no"}, "has auto_commit: 'no', which should be true or false"),
    ({"date_order": "dym"}, "has date_order: 'dym', which should be one of dmy, mdy, ymd"),
    ({"version": "one"}, "has version: 'one', which should be a whole number, like 1"),
    ({"user": ["alice"]}, "has user: ['alice'], which should be a user name, like alice"),
])
def test_a_wrong_configuration_value_names_the_key(data, problem):
    found = config_problems(data)
    assert len(found) == 1 and found[0].startswith(problem), found
    with pytest.raises(ValueError) as info:
        Config(data)
    assert str(info.value) == found[0]


def test_a_good_configuration_is_read_and_unknown_keys_kept():
    data = {"version": 1, "user": "alice", "users": ["alice", {"id": "bob", "name": "Bob B"}, 1007, {"id": 1008}],
            "timezone": "Europe/London", "types": ["call", "site-visit"], "purposes": ["renewal"],
            "categories": ["funding"], "ratings": ["interest"], "require_category": False,
            "require_account": True, "auto_commit": True, "date_order": "dmy", "pack_after": "3 months",
            "users_note": {"anything": [1, 2]}, "categories_extra": None}
    config = Config(data)
    assert config.types == ["call", "site-visit"] and config.require_account and config.data["pack_after"]
    assert config_problems({"types": None, "users": None, "types_x": "call"}) == []  # left empty: the defaults


# --- writing only inside the store --------------------------------------------------

def test_a_write_never_leaves_the_store_nor_passes_a_link(demo, tmp_path):
    from interact.errors import UserError
    from interact.model import Record
    from interact.store import Store

    store = Store(demo)
    for path in (demo / "contacts/../../x.yaml", tmp_path / "x.yaml", demo.parent / "records2/x.yaml"):
        with pytest.raises(UserError, match="refused to write .*: it is outside the store"):
            store.write(path, b"id: x\n")
    (demo / "interactions/2027").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UserError, match="interactions/2027 in the store is a symbolic link"):
        store.write(demo / "interactions/2027/01/7kq2m9xd4t.yaml", b"id: x\n")
    for rid in ("../../x", "/tmp/x", "a/b"):
        with pytest.raises(UserError, match="refused to write a record whose id is"):
            store.save(Record({"id": rid, "name": "X"}), "contact")
    jane = store.contacts()["jane-doe"]
    jane.path = demo / "contacts/raj-patel.yaml"  # a record is written back only to its own file
    with pytest.raises(UserError, match="the record was read from contacts/raj-patel.yaml"):
        store.save(jane, "contact")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]  # nothing made beside the store
