"""Shell completion: people, accounts, ids and types, and no candidates (never an error) without a store."""

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from interact.cli import cli


@pytest.fixture
def complete(demo, monkeypatch):
    monkeypatch.setenv("INTERACT_DIR", str(demo))

    def values(*words):
        *args, incomplete = words
        items = ShellComplete(cli, {}, "interact", "_INTERACT_COMPLETE").get_completions(list(args), incomplete)
        return [item.value for item in items]

    return values


def test_partial_contact_name(complete):
    assert complete("log", "call", "Ja") == ["jane-doe"]
    assert complete("log", "call", "pat") == ["raj-patel"]  # a part of the name, any case
    assert complete("log", "call", "jane-doe", "Ja") == []  # the note is free text


def test_people_accounts_ids_and_types(complete):
    assert complete("log", "call", "jane", "--with", "acme") == ["acme-ltd"]
    assert complete("log", "call", "jane", "--account", "Nor") == ["northwind-traders"]
    assert complete("account", "show", "ja") == []
    assert complete("contact", "show", "ja") == ["jane-doe"]
    assert complete("show", "h8v") == ["h8v86t18wf"]
    assert complete("log", "") == ["call", "visit", "email", "meeting", "chat", "note"]
    assert complete("complete", "0ac7", "--type", "v") == ["visit"]
    assert complete("assign", "call", "jane", "--to", "") == ["alice", "bob", "carol"]
    assert complete("types", "rename", "c") == ["call", "chat"]
    assert complete("list", "--contact", "garc") == ["maria-garcia"]
    assert complete("history", "kest") == ["kestrel-housing"]


def test_new_options_and_several_ids_complete_too(complete, run):
    assert complete("complete", "0ac7hfxanw", "3xd") == ["3xdt0tm31z"]  # complete takes ID...
    assert complete("assign", "call", "jane", "--follow-up-of", "jpb") == ["jpbqnw99gr"]
    run.ok("contact", "add", "Zoë Ångström")
    assert complete("log", "call", "angstrom") == ["zoe-angstrom"]  # accents ignored, as references
    assert complete("log", "call", "jane", "--follow-up", "fri", "--follow-up-to", "b") == ["bob"]


def test_no_store_no_candidates(tmp_path, monkeypatch):
    monkeypatch.delenv("INTERACT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    completion = ShellComplete(cli, {}, "interact", "_INTERACT_COMPLETE")
    assert completion.get_completions(["log", "call"], "Ja") == []


def test_through_the_environment_variable(demo):
    env = {"_INTERACT_COMPLETE": "bash_complete", "COMP_WORDS": "interact log call Ja", "COMP_CWORD": "3",
           "INTERACT_DIR": str(demo)}
    result = CliRunner().invoke(cli, [], env=env, prog_name="interact")
    assert result.exit_code == 0 and result.stdout == "plain,jane-doe\n"
    script = CliRunner().invoke(cli, [], env={"_INTERACT_COMPLETE": "zsh_source"}, prog_name="interact")
    assert "#compdef interact" in script.stdout
