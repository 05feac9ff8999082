"""contact and account add|list|show|edit."""

import csv
import io
import json

from interact.model import load


def test_contact_add_prints_id_and_stores_fields(run, demo):
    result = run.ok("contact", "add", "Zoë Brontë", "--email", "zoe@example.com", "--phone", "+44 20 7946 0000",
                    "--account", "Northwind", "--set", "country=UK", "--cadence", "4w")
    assert result.stdout == "zoe-bronte\n"
    contact = load((demo / "contacts" / "zoe-bronte.yaml").read_bytes())
    assert contact == {"id": "zoe-bronte", "name": "Zoë Brontë", "email": "zoe@example.com",
                       "phone": "+44 20 7946 0000", "accounts": ["northwind-traders"],
                       "fields": {"country": "UK"}, "cadence": "4w"}


def test_contact_list_formats(run):
    table = run.ok("contact", "list").stdout
    assert "Jane Doe" in table and "jane@acme.example" in table
    data = json.loads(run.ok("contact", "list", "--format", "json").stdout)
    assert {c["id"] for c in data} >= {"jane-doe", "raj-patel"}
    rows = list(csv.DictReader(io.StringIO(run.ok("contact", "list", "--format", "csv").stdout)))
    assert rows[0].keys() >= {"id", "name", "email"}
    assert "raj-patel\n" in run.ok("contact", "list", "--format", "ids").stdout


def test_contact_show_and_edit(run, demo):
    run.ok("contact", "edit", "jane", "--phone", "0113 000", "--set", "role=", "--set", "level=VP",
           "--account", "kestrel")
    shown = json.loads(run.ok("contact", "show", "jane", "--format", "json").stdout)
    assert shown["phone"] == "0113 000" and shown["fields"] == {"level": "VP"}
    assert shown["accounts"] == ["acme-ltd", "kestrel-housing"]


def test_account_add_with_opportunities(run, demo):
    result = run.ok("account", "add", "Globex Corp", "--kind", "prospect", "--town", "Leeds", "--postcode",
                    "LS1 1AA", "--default-contact", "raj", "--opportunity", "Pilot=2,500",
                    "--opportunity", "Full rollout=40000")
    assert result.stdout == "globex-corp\n"
    account = load((demo / "accounts" / "globex-corp.yaml").read_bytes())
    assert account["default_contact"] == "raj-patel"
    assert account["opportunities"] == [
        {"id": "pilot", "name": "Pilot", "value": 2500, "stage": "open"},
        {"id": "full-rollout", "name": "Full rollout", "value": 40000, "stage": "open"}]
    assert "42,500" in run.ok("account", "list").stdout


def test_account_edit_replaces_opportunity_by_name(run, demo):
    run.ok("account", "edit", "acme", "--opportunity", "Renewal 2027=15000", "--town", "Bradford")
    account = json.loads(run.ok("account", "show", "acme", "--format", "json").stdout)
    assert account["town"] == "Bradford"
    assert account["opportunities"] == [{"id": "renewal-2027", "name": "Renewal 2027", "value": 15000,
                                         "stage": "open"}]


def test_account_bad_input(run):
    assert run("account", "add", "X", "--kind", "friend").exit_code == 2
    result = run("account", "add", "X", "--opportunity", "Pilot=lots")
    assert result.exit_code == 1 and "should be a number" in result.stderr
    result = run("account", "show", "nowhere")
    assert result.exit_code == 1 and "interact account add" in result.stderr


def test_version_and_help_examples(run):
    assert "interact, version" in run.ok("--version").stdout
    for command in (["log"], ["assign"], ["complete"], ["edit"], ["show"], ["contact", "add"], ["account", "add"]):
        assert "Example" in run.ok(*command, "--help").stdout


def test_edit_refuses_an_empty_name(run, demo):
    before = (demo / "contacts" / "jane-doe.yaml").read_bytes()
    result = run("contact", "edit", "jane-doe", "--name", "  ")
    assert result.exit_code == 1 and "needs a name" in result.stderr
    assert (demo / "contacts" / "jane-doe.yaml").read_bytes() == before
    result = run("account", "edit", "acme-ltd", "--name", "")
    assert result.exit_code == 1 and "needs a name" in result.stderr
    run.ok("contact", "edit", "jane-doe", "--name", "  Jane Q. Doe ")
    assert load((demo / "contacts" / "jane-doe.yaml").read_bytes())["name"] == "Jane Q. Doe"
