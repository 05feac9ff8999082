"""Every message a user reads, in one place.

Errors are functions returning a `UserError` (raise the result): one line that says
what was wrong and what would work, plus candidates where they help.
"""

from .errors import UserError


def _listed(items) -> str:
    return ", ".join(items)


# --- the store ---------------------------------------------------------------------

def no_store(cwd) -> UserError:
    return UserError(
        f"no interact store here: none in {cwd} or above it. Create one with `interact init`, "
        "or point to one with --dir PATH or $INTERACT_DIR."
    )


def not_a_store(path) -> UserError:
    return UserError(f"{path} is not an interact store (no interact.yaml). Create one with `interact init {path}`.")


def store_exists(path) -> UserError:
    return UserError(f"a store already exists at {path}; `interact init` never overwrites one. Choose another PATH.")


def bad_config(path, error) -> UserError:
    return UserError(f"{path} {error}. Fix it by hand, or compare with a new one from `interact init /tmp/x`.")


def skipped_file(relative_path, problem) -> str:
    return f"warning: skipped {relative_path}: {problem} (run `interact check` for every problem)"


def unreadable(relative_path, warning) -> UserError:
    return UserError(f"cannot read {relative_path}: {warning}")


def cannot_write(error) -> UserError:
    where = f" {error.filename}" if getattr(error, "filename", None) else ""
    return UserError(f"could not write{where}: {error.strerror or error}. Nothing was changed; free some space "
                     "or check the store's permissions and try again.")


# --- ids ---------------------------------------------------------------------------

def prefix_too_short(prefix) -> UserError:
    return UserError(f"'{prefix}' is too short: give at least 4 characters of the id (see `interact list`).")


def no_interaction(prefix) -> UserError:
    return UserError(f"no interaction has an id starting with '{prefix}'. Find it with `interact list --everyone "
                     "--status all` or `interact search WORDS`.")


def ambiguous_interaction(prefix, ids) -> UserError:
    return UserError(f"'{prefix}' matches {len(ids)} interactions: give more characters of the id.", ids)


# --- people ------------------------------------------------------------------------

def no_match(ref, kind, close) -> UserError:
    if kind == "account":
        hint = f"add it with `interact account add \"{ref}\"`"
    else:
        hint = f"add them with `interact contact add \"{ref}\"`, or use --new on log and assign"
    closing = "; close names:" if close else ""
    return UserError(f"no {kind} matches '{ref}': {hint}{closing}", close)


def ambiguous_ref(ref, candidates) -> UserError:
    return UserError(f"'{ref}' matches {len(candidates)} records: use the id or the full name of one of them:",
                     candidates)


def account_without_contact(account) -> UserError:
    return UserError(
        f"account '{account['id']}' has no contact: add one with `interact contact add NAME --account "
        f"{account['id']}`, or set `interact account edit {account['id']} --default-contact REF`."
    )


def bad_pair(pair, what) -> UserError:
    return UserError(f"'{pair}' is not NAME=VALUE: {what} takes pairs like {_PAIR_EXAMPLES.get(what, 'name=value')}.")


_PAIR_EXAMPLES = {
    "--set": "country=India",
    "--rating": "interest=4",
    "--opportunity": "'Renewal 2027=12000'",
}


def bad_opportunity(name, value) -> UserError:
    return UserError(f"the value of opportunity '{name}' should be a number, not '{value}': "
                     "try --opportunity 'Renewal 2027=12000'.")


def empty_name(kind) -> UserError:
    return UserError(f"the {kind} needs a name: `interact {kind} add \"Jane Doe\"`.")


def bad_kind(kind) -> UserError:
    return UserError(f"'{kind}' is not an account kind: use customer or prospect.")


# --- interactions ------------------------------------------------------------------

def unknown_type(name, types) -> UserError:
    return UserError(f"'{name}' is not a configured type. Use one of: {_listed(types)} "
                     f"(or add it with `interact types add {name}`).")


def unknown_category(name, categories) -> UserError:
    return UserError(f"'{name}' is not a category of this store. Use one of: {_listed(categories)}.")


def category_required(categories) -> UserError:
    return UserError(f"this store requires a category: add --category with one of: {_listed(categories)}.")


def unknown_user(name, users) -> UserError:
    return UserError(f"'{name}' is not a user of this store. Use one of: {_listed(users)} "
                     "(the `users` list in interact.yaml).")


def unknown_rating(name, allowed) -> UserError:
    return UserError(f"'{name}' is not a rating of this store. Use one of: {_listed(allowed)}, e.g. "
                     f"--rating {allowed[0]}=4.")


def bad_rating(name, value) -> UserError:
    return UserError(f"rating {name}={value} should be a whole number from 1 to 5, e.g. --rating {name}=4.")


def bad_relates(ref) -> UserError:
    return UserError(f"'{ref}' is not KIND:REF: --relates takes references like case:4711 or opportunity:renewal-2027.")


def account_required() -> UserError:
    return UserError("this store requires an account on every interaction: add --account REF, or log with "
                     "someone who belongs to exactly one account.")


def personal_with_people() -> UserError:
    return UserError("--personal is a note to self: give no person (every word after TYPE is the note).")


def who_missing() -> UserError:
    return UserError("say who it was with: `interact log call \"Jane Doe\" NOTE`, or use --personal for a note to self.")


def set_without_contact() -> UserError:
    return UserError("--set stores information on a contact, and this interaction has none.")


def already_completed(record) -> UserError:
    return UserError(f"{record['id']} was completed at {record['completed_at']}; completing is final. "
                     f"Add to it with `interact comment {record['id'][:4]} TEXT`.")


def edit_completed(record) -> UserError:
    return UserError(f"{record['id']} is completed and can no longer be edited, except its tags (--tag, --untag). "
                     f"Add to it with `interact comment {record['id'][:4]} TEXT`.")


def nothing_to_edit() -> UserError:
    return UserError("nothing to change: give the fields to edit, e.g. --when 'tomorrow 10am' or --note TEXT.")


def empty_comment() -> UserError:
    return UserError("the comment is empty: `interact comment ID TEXT...`.")


def empty_note() -> UserError:
    return UserError("the note from the editor is empty; nothing was written.")


def bad_date(error) -> UserError:
    return UserError(str(error))


# --- listings ----------------------------------------------------------------------

def bad_month(text) -> UserError:
    return UserError(f"could not read the month '{text}': give it as YEAR-MONTH, e.g. 2026-11.")


def no_search_words() -> UserError:
    return UserError("give a word or a quoted phrase to search for: `interact search renewal \"left voicemail\"`.")


def count_format(fmt) -> UserError:
    return UserError(f"--count prints numbers, not interactions: use --format table, json, csv or yaml, not {fmt}.")


# --- reports to stderr -------------------------------------------------------------

def created_contact(record) -> str:
    return f"created contact {record['id']} ({record['name']})"


def completed(record) -> str:
    return f"completed {record['id']}"


def updated(record) -> str:
    return f"updated {record['id']}"


def commented(record) -> str:
    return f"added a comment to {record['id']}"


def deleted(record) -> str:
    return f"deleted {record['id']}"


def nothing_matches(defaults_hint: bool) -> str:
    hint = " (by default only your outstanding ones: try --everyone or --status all)" if defaults_hint else ""
    return f"no interaction matches{hint}"


def initialised(path) -> str:
    return f"created an interact store in {path}"


# --- reports -----------------------------------------------------------------------

def too_many_groupings(fields) -> UserError:
    return UserError(f"a report groups by one or two fields, not {len(fields)} ({_listed(fields)}): "
                     "e.g. --by assignee --by type.")


def same_grouping_twice(name) -> UserError:
    return UserError(f"--by {name} is given twice: group by two different fields, e.g. --by {name} --by type.")


def range_reversed(first, last) -> UserError:
    return UserError(f"the range is empty: it starts on {first}, after its last day {last}. "
                     "Give the earlier day to --from and the later one to --until.")


def chart_with_format(fmt) -> UserError:
    return UserError(f"--chart draws bars for people and cannot be written as {fmt}: use --chart alone, "
                     f"or --format {fmt} without it.")


def cannot_write_report(path, error) -> UserError:
    return UserError(f"could not write the report to {path}: {error.strerror or error}. "
                     "Choose a file in a folder you can write to.")


def wrote_report(path) -> str:
    return f"wrote the report to {path}"
