"""`category` on log, assign and edit: one of the store's `categories`, required with `require_category`."""

import pytest

from conftest import interaction_files
from interact.store import Store

VALID = "Use one of: sales, admissions, volunteering."


def require_category(store):
    config = store / "interact.yaml"
    config.write_text(config.read_text().replace("require_category: false", "require_category: true"))


@pytest.mark.parametrize("args", [
    ["log", "call", "jane", "--category", "golf"],
    ["assign", "call", "jane", "--category", "golf"],
    ["edit", "0ac7", "--category", "golf"],
    ["edit", "0ac7", "--category", "Sales"],  # categories are exact
])
def test_unknown_category_is_refused_with_the_valid_ones(run, demo, args):
    before = interaction_files(demo)
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: 'golf' is not a category of this store. {VALID}\n".replace("golf", args[-1])
    assert interaction_files(demo) == before


@pytest.mark.parametrize("args", [["log", "call", "jane"], ["assign", "call", "jane", "--due", "fri"]])
def test_missing_category_is_refused_when_required(run, demo, args):
    require_category(demo)
    before = interaction_files(demo)
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == ("Error: this store requires a category: add --category with one of: "
                             "sales, admissions, volunteering.\n")
    assert interaction_files(demo) == before


def test_category_is_stored_by_log_assign_and_edit(run, demo):
    require_category(demo)
    logged = run.ok("log", "call", "jane", "--category", "sales").stdout.strip()
    assigned = run.ok("assign", "call", "raj", "--category", "admissions").stdout.strip()
    run.ok("edit", assigned[:6], "--category", "volunteering")
    store = Store(demo)
    assert store.find_interaction(logged)["category"] == "sales"
    assert store.find_interaction(assigned)["category"] == "volunteering"


def test_any_category_is_accepted_when_the_store_lists_none(run_empty, empty):
    run_empty.ok("contact", "add", "Jane Doe")
    rid = run_empty.ok("log", "call", "jane", "--category", "outreach").stdout.strip()
    assert Store(empty).find_interaction(rid)["category"] == "outreach"
