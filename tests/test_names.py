"""People as SPEC §9 has them: no silent duplicates, blank references name nobody, names and
search ignore accents, cadences stay as written."""

import json

import pytest

from interact.model import fold
from interact.store import Store

from conftest import interaction_files


def contact_files(store):
    return {p.name: p.read_bytes() for p in (store / "contacts").glob("*.yaml")}


# --- blank references ----------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["log", "call", " ", "hello"],
    ["assign", "call", "\t", "do it"],
    ["log", "call", "jane", "--with", ""],
    ["log", "call", "jane", "--account", "  "],
    ["contact", "show", ""],
    ["account", "show", " "],
    ["history", " "],
    ["list", "--contact", ""],
    ["search", "renewal", "--account", " "],
])
def test_a_blank_reference_matches_nobody(run, demo, args):
    before = interaction_files(demo), contact_files(demo)
    result = run(*args)
    assert result.exit_code == 1 and result.stderr.startswith("Error: an empty reference names no ")
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
    assert (interaction_files(demo), contact_files(demo)) == before


def test_an_empty_who_asks_who_it_was_with(run, demo):
    before = interaction_files(demo)
    result = run("log", "call", "", "hello")
    assert result.exit_code == 1 and "say who it was with" in result.stderr
    assert interaction_files(demo) == before


def test_edit_with_a_blank_reference_adds_nobody(run, demo):
    rid = run.ok("assign", "call", "jane").stdout.strip()
    before = interaction_files(demo)
    result = run("edit", rid, "--with", "")
    assert result.exit_code == 1 and "empty reference" in result.stderr
    assert interaction_files(demo) == before


# --- no silent duplicates -------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["contact", "add", "Jane Doe"],
    ["contact", "add", "JANE  doe"],
    ["contact", "add", "Someone Else", "--email", "JANE@acme.example"],
    ["log", "call", "Jane Doe", "--new"],
    ["assign", "call", "jane doe", "--new", "Call her"],
    ["account", "add", "Acme Ltd"],
    ["account", "add", "acme ltd"],
])
def test_adding_someone_already_there_is_refused_naming_them(run, demo, args):
    before = interaction_files(demo), contact_files(demo), sorted((demo / "accounts").iterdir())
    result = run(*args)
    assert result.exit_code == 1 and "is already in the store" in result.stderr and "--duplicate" in result.stderr
    named = "acme-ltd  Acme Ltd" if args[0] == "account" else "jane-doe  Jane Doe  <jane@acme.example>"
    assert result.stderr.splitlines()[1].strip() == named
    assert (interaction_files(demo), contact_files(demo), sorted((demo / "accounts").iterdir())) == before


def test_duplicate_adds_a_namesake_and_the_ambiguity_asks_for_the_id(run, demo):
    assert run.ok("contact", "add", "Jane Doe", "--duplicate", "--email", "jd@other.example").stdout == "jane-doe-2\n"
    rid = run.ok("log", "call", "Jane Doe", "--new", "--duplicate").stdout.strip()
    assert run.ok("show", rid, "--format", "json").stdout.count("jane-doe-3") == 1
    result = run("log", "call", "Jane Doe")
    assert result.exit_code == 1 and "use the id of one of them" in result.stderr  # the full name cannot help
    assert "jane-doe-2  Jane Doe  <jd@other.example>" in result.stderr
    assert "use the id or the full name" in run("log", "call", "a").stderr  # different names: a full one helps
    assert run.ok("account", "add", "Acme Ltd", "--duplicate").stdout == "acme-ltd-2\n"


def test_parallel_adds_of_one_name_make_one_contact(demo):
    """The check and the write are under the store's lock: of 4 racing adds, one wins."""
    import subprocess

    from conftest import REPO

    interact = REPO / ".venv" / "bin" / "interact"
    workers = [subprocess.Popen([str(interact), "--dir", str(demo), "contact", "add", "Ada Lovelace"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    codes = sorted(worker.wait(timeout=60) for worker in workers)
    assert codes == [0, 1, 1, 1]
    assert sorted(p.name for p in (demo / "contacts").glob("ada*")) == ["ada-lovelace.yaml"]


# --- accents ---------------------------------------------------------------------------

def test_fold_ignores_case_accents_and_spacing():
    assert fold("  Zoë\n ÅNGSTRÖM ") == "zoe angstrom"
    assert fold("Иван") == "иван"  # other scripts stay as they are


def test_names_match_ignoring_accents(run, demo):
    assert run.ok("contact", "add", "Zoë Ångström", "--email", "zoe@example.com").stdout == "zoe-angstrom\n"
    for ref in ("zoe", "Zoe Angstrom", "ångström", "ZOË"):
        assert json.loads(run.ok("contact", "show", ref, "--format", "json").stdout)["id"] == "zoe-angstrom", ref
    rid = run.ok("log", "call", "zoe angstrom", "Talked about the grant").stdout.strip()
    assert run.ok("search", "zoe", "--format", "ids").stdout.split() == [rid]


def test_an_exact_name_with_its_accents_wins_over_a_namesake_without(run, demo):
    run.ok("contact", "add", "Zoe Smith")
    run.ok("contact", "add", "Zoë Smith", "--duplicate")
    assert json.loads(run.ok("contact", "show", "Zoë Smith", "--format", "json").stdout)["id"] == "zoe-smith-2"
    assert json.loads(run.ok("contact", "show", "zoe smith", "--format", "json").stdout)["id"] == "zoe-smith"
    result = run("contact", "show", "zoë")  # a part of both names, accents ignored
    assert result.exit_code == 1 and "zoe-smith-2  Zoë Smith" in result.stderr


@pytest.mark.parametrize("cache", [True, False])
def test_search_ignores_accents_in_the_text_and_the_words(run, demo, cache):
    rid = run.ok("log", "call", "jane", "Déjà vu: the café's crème brûlée").stdout.strip()
    other = run.ok("log", "call", "jane", "Deja vu again, at the cafe").stdout.strip()
    env = {} if cache else {"INTERACT_NO_CACHE": "1"}
    assert sorted(run.ok("search", "deja", "cafe", "--format", "ids", env=env).stdout.split()) == sorted([rid, other])
    assert run.ok("search", "CRÈME brulee", "--format", "ids", env=env).stdout.split() == [rid]


# --- cadences -------------------------------------------------------------------------

def test_a_cadence_is_stored_as_written(run, demo):
    run.ok("contact", "add", "Ada Lovelace", "--cadence", "30d")
    run.ok("account", "add", "Analytical Engines", "--cadence", " 90d ")
    assert Store(demo).contacts()["ada-lovelace"]["cadence"] == "30d"
    assert Store(demo).accounts()["analytical-engines"]["cadence"] == "90d"
    run.ok("contact", "edit", "ada", "--cadence", "1w")
    assert (demo / "contacts" / "ada-lovelace.yaml").read_text().endswith("cadence: 1w\n")
    result = run("contact", "edit", "ada", "--cadence", "monthly")
    assert result.exit_code == 1 and "could not read the duration 'monthly'" in result.stderr
