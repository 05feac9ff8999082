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


# --- the team log: check and git ---------------------------------------------------

def conflict_markers(lines) -> str:
    where = ", ".join(map(str, lines))
    return (f"git conflict markers (line{'s' if len(lines) > 1 else ''} {where}): keep the right lines, "
            "delete the markers, then `git add` the file")


def stray_file(layout) -> str:
    return f"not part of the store's layout ({layout}): move or delete it"


def not_a_plain_file() -> str:
    return "is a link or a special file, not a plain file: replace it with the record itself"


def stale_temp_file(minutes) -> str:
    return f"left over from an interrupted write {minutes} minute{'s' if minutes != 1 else ''} ago: delete it"


def id_not_file_name(rid, name) -> str:
    return f"id {rid!r} does not match the file name {name!r}"


def misplaced(expected, key) -> str:
    return f"belongs in {expected} (by its {key})"


def unknown_reference(key, rid, folder) -> str:
    return f"{key} names {rid!r}, which is not in {folder}/"


def duplicate_id(rid, others) -> str:
    return f"id {rid!r} is also used by {', '.join(others)}"


def problems_found(count) -> str:
    return f"{count} problem{'s' if count != 1 else ''} in the store"


def not_a_repository(root) -> UserError:
    return UserError(f"cannot commit: {root} is not in a git repository. Run `git init` there, or leave out "
                     "--commit (and `auto_commit` in interact.yaml). The change itself was written.")


def commit_failed(git_says) -> UserError:
    """`git_says`: git's last lines of output (a pre-commit hook's included)."""
    return UserError("the change was written but not committed; fix what git says below, then commit it "
                     "with `git add` and `git commit`:", git_says)


def committed(sha, subject) -> str:
    return f"committed {sha}: {subject}"


# --- the team log: merging records, git-setup and sync -------------------------------

def merge_conflict(path, fields) -> str:
    return (f"interact: {path}: both sides changed {', '.join(fields)}; the file holds both versions between "
            "<<<<<<< and >>>>>>>: keep the right lines, delete the markers, then `git add` it")


def merged_by_lines(path) -> str:
    return f"interact: {path} is not a record that reads: merged line by line (git merge-file)"


def not_in_work_tree(command, root) -> UserError:
    return UserError(f"`interact {command}` works in a git clone, and {root} is not in a git work tree: "
                     "clone your team's repository, or run `git init` there (`interact init --git` for a new store).")


def git_failed(git_says) -> UserError:
    return UserError("git failed; git says:", git_says)


def link_refused(path) -> UserError:
    return UserError(f"{path} is a link; interact never writes through one: replace it with a plain file.")


def git_setup_done(driver) -> str:
    return f"registered the merge driver in this clone's git config: merge.interact.driver = {driver}"


def git_setup_already(driver) -> str:
    return f"the merge driver is already registered in this clone: merge.interact.driver = {driver}"


def attributes_added(lines) -> str:
    return (f"added {', '.join(f'`{line}`' for line in lines)} to the store's .gitattributes: commit it "
            "(`interact sync` does) so that every clone merges records field by field")


def sync_subject(count) -> str:
    return f"sync: {count} changes"  # SPEC §8 gives the subject as it is, for scripts that look for it


def sync_pulled(count, upstream) -> str:
    return f"pulled {upstream}: {count} file{'s' if count != 1 else ''} changed"


def sync_merged(count) -> str:
    return f"merged {count} file{'s' if count != 1 else ''} that both sides changed, record by record"


def sync_checked() -> str:
    return "checked the store: no problems"


def sync_pushed(upstream) -> str:
    return f"pushed to {upstream}"


def sync_retry(upstream, attempt, tries) -> str:
    return f"{upstream} moved while pushing: pulling again (try {attempt} of {tries})"


def merge_in_progress(files) -> UserError:
    return UserError("a merge is not finished: fix the files below (`interact check` shows where), `git add` them "
                     "and `git commit` (or `git merge --abort`), then run `interact sync` again:", files)


def not_on_a_branch() -> UserError:
    return UserError("not on a branch (detached HEAD): switch to your branch first, e.g. `git switch main`.")


def no_upstream(branch) -> UserError:
    return UserError(f"branch '{branch}' has no upstream to pull from and push to: set it once with "
                     f"`git push -u origin {branch}`.")


def pull_failed(git_says) -> UserError:
    return UserError("git pull failed, so nothing was merged or pushed; git says:", git_says)


def sync_conflict(files) -> UserError:
    count = len(files)
    return UserError(f"{count} file{'s' if count != 1 else ''} changed on both sides could not be merged: keep the "
                     "right lines in each (`interact check` shows where), delete the markers, `git add` and "
                     "`git commit`, then run `interact sync` again:", files)


def sync_refused(problems) -> UserError:
    count = len(problems)
    return UserError(f"not pushed: the store has {count} problem{'s' if count != 1 else ''}; fix "
                     f"{'them' if count != 1 else 'it'}, then run `interact sync` again:", problems)


def push_failed(git_says) -> UserError:
    return UserError("git push failed; your commits are kept and go with the next `interact sync`. git says:",
                     git_says)


def push_gave_up(upstream, tries) -> UserError:
    return UserError(f"not pushed: {upstream} moved again each time, {tries} tries; your commits are kept: "
                     "run `interact sync` again in a moment.")


# --- ids ---------------------------------------------------------------------------

def prefix_too_short(prefix) -> UserError:
    return UserError(f"'{prefix}' is too short: give at least 4 characters of the id (see `interact list`).")


def no_interaction(prefix) -> UserError:
    return UserError(f"no interaction has an id starting with '{prefix}'. Find it with `interact list --everyone "
                     "--status all` or `interact search WORDS`.")


def ambiguous_interaction(prefix, ids) -> UserError:
    return UserError(f"'{prefix}' matches {len(ids)} interactions: give more characters of the id.", ids)


# --- people ------------------------------------------------------------------------

def no_match(ref, kinds, close) -> UserError:
    """Nothing of `kinds` (contact, account, in the order they were looked for) is called `ref`."""
    if kinds[0] == "account":
        hint = f"add it with `interact account add \"{ref}\"`"
    else:
        hint = f"add them with `interact contact add \"{ref}\"`, or use --new on log and assign"
    closing = "; close names:" if close else ""
    return UserError(f"no {' or '.join(kinds)} matches '{ref}': {hint}{closing}", close)


def ambiguous_ref(ref, candidates, same_name=False) -> UserError:
    """`same_name`: they all have one name, so only an id tells them apart."""
    which = "the id" if same_name else "the id or the full name"
    return UserError(f"'{ref}' matches {len(candidates)} records: use {which} of one of them:", candidates)


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
    "--map": "Subject=note",
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
                     "(the `users` list in interact.yaml), with --to, or act as one with --as USER or "
                     "$INTERACT_USER.")


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


def edit_completed(record, options) -> UserError:
    """`options`: the options given that would change its facts."""
    return UserError(f"{record['id']} is completed, so its facts stay as they were ({', '.join(options)} cannot "
                     "change them); only its links can: --tag, --untag, --relates, --unrelate, --account, --category. "
                     f"Add to it with `interact comment {record['id'][:4]} TEXT`.")


def nothing_to_edit() -> UserError:
    return UserError("nothing to change: give the fields to edit, e.g. --when 'tomorrow 10am' or --note TEXT.")


def empty_comment() -> UserError:
    return UserError("the comment is empty: `interact comment ID TEXT...`.")


def empty_note() -> UserError:
    return UserError("the note from the editor is empty; nothing was written.")



# --- listings ----------------------------------------------------------------------

def no_search_words() -> UserError:
    return UserError("give a word or a quoted phrase to search for: `interact search renewal \"left voicemail\"`.")


def count_format(fmt) -> UserError:
    return UserError(f"--count prints numbers, not interactions: use --format table, json, csv or yaml, not {fmt}.")


# --- generate and digest -----------------------------------------------------------

def _amount(value) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value}"


def _value_bounds(low, high) -> str:
    if low is not None and high is not None:
        return f" worth {_amount(low)} to {_amount(high)}"
    if low is not None:
        return f" worth at least {_amount(low)}"
    if high is not None:
        return f" worth at most {_amount(high)}"
    return ""


def _within(minutes, day) -> str:
    from .durations import format_duration

    span = f"{minutes // 1440} days" if minutes % 1440 == 0 else format_duration(minutes)
    return f"in the {span} before {day.isoformat()}"


_FUNNEL_STAGES = {
    "kind": lambda n, kind: f"{n} {kind if n != 1 else kind[:-1]}",
    "town": lambda n, town: f"{n} in town '{town}'",
    "postcode": lambda n, prefix: f"{n} with a postcode starting '{prefix}'",
    "value": lambda n, bounds: f"{n} with an open opportunity{_value_bounds(*bounds)}",
    "contacted": lambda n, within: f"{n} not contacted {_within(*within)}",
    "contact": lambda n, _: f"{n} with a contact to call",
}


def nothing_qualifies(funnel) -> UserError:
    """`funnel`: (stage, accounts left, detail) from the first filter to the one that left none."""
    stages = ", ".join(_FUNNEL_STAGES[stage](count, detail) for stage, count, detail in funnel)
    if len(funnel) == 1:
        kind = funnel[0][2][:-1]
        return UserError(f"nothing to plan: {stages} in the store. Add one with "
                         f"`interact account add NAME --kind {kind}`.")
    return UserError(f"nothing to plan: {stages}.")


def slots_do_not_move() -> UserError:
    return UserError("--duration and --gap are both 0, so every slot would be the same instant: "
                     "give a --duration (e.g. 30m) or a --gap (e.g. 5m).")


def values_without_opportunities() -> UserError:
    return UserError("--min-value and --max-value filter on open opportunities, which --no-opportunities "
                     "turns off: give one or the other.")


def _things(count, type_) -> str:
    return f"{count} {type_}{'' if count == 1 else 's'}"


def planned(count, type_, user, day, kind, dry_run=False, already=0) -> str:
    verb = "would plan" if dry_run else "planned"
    total = f"; {already + count} in all" if already else ""
    tail = " (dry run: nothing written)" if dry_run else ""
    return f"{verb} {_things(count, type_)} for {user} on {day.isoformat()} ({kind}){total}{tail}"


def batch_full(count, type_, user, day, kind) -> str:
    return (f"nothing to add: {user} already has {_things(count, type_)} generated for {day.isoformat()} "
            f"({kind}); raise --count for more")


def all_planned(qualifying, kind, day) -> str:
    return (f"nothing to add: every qualifying account ({_FUNNEL_STAGES['kind'](qualifying, kind)}) is already "
            f"planned for {day.isoformat()}")


def no_free_slot(user, day, start) -> str:
    return f"nothing to add: {user} has no free slot on {day.isoformat()} from {start.strftime('%H:%M')}"


def fewer_planned(count, wanted, out_of_slots) -> str:
    reason = "the day has no more free slots" if out_of_slots else "no more accounts qualify"
    return f"note: {count} of the {wanted} asked for: {reason}"


def accounts_without_contact(ids) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return (f"warning: left out {len(ids)} account{'s' if len(ids) != 1 else ''} with no contact to call: {shown} "
            "(add one with `interact contact add NAME --account ID`)")


def nothing_outstanding(user, day) -> str:
    return f"Nothing outstanding for {user} on {day.isoformat()}."


# --- reports to stderr -------------------------------------------------------------

def created_contact(record) -> str:
    return f"created contact {record['id']} ({record['name']})"


def completed(record) -> str:
    return f"completed {record['id']}"


def updated(record) -> str:
    return f"updated {record['id']}"


def commented(record) -> str:
    return f"added a comment to {record['id']}"


def _attachments(count: int) -> str:
    return f" and its {count} attachment{'s' if count != 1 else ''}" if count else ""


def confirm_delete(record, label: str, attachments: int) -> str:
    return f"Delete {record['id']} ({label}){_attachments(attachments)}?"


def deleted(record, attachments: int = 0) -> str:
    return f"deleted {record['id']}{_attachments(attachments)}"


def nothing_matches(defaults_hint: bool) -> str:
    hint = " (by default only your outstanding ones: try --everyone or --status all)" if defaults_hint else ""
    return f"no interaction matches{hint}"


def initialised(path) -> str:
    return f"created an interact store in {path}"


# --- types -------------------------------------------------------------------------

def bad_type_name(name) -> UserError:
    return UserError(f"'{name}' cannot be a type: a type is one word of letters, digits, - and _ (e.g. site-visit).")


def type_exists(name, types) -> UserError:
    return UserError(f"'{name}' is already a type ({_listed(types)}).")


def bad_type_position(position, count) -> UserError:
    return UserError(f"position {position} is out of range: give a number from 1 to {count}.")


def type_added(name, types) -> str:
    return f"added type {name}: {_listed(types)}"


def type_renamed(old, new, count) -> str:
    return f"renamed type {old} to {new} in interact.yaml and in {count} interaction{'s' if count != 1 else ''}"


def type_moved(name, types) -> str:
    return f"moved type {name}: {_listed(types)}"


# --- attachments -------------------------------------------------------------------

def attachment_exists(relative_path, rid) -> UserError:
    return UserError(f"{relative_path} already exists with other content: rename your file, or replace it with "
                     f"`interact attach {rid[:4]} FILE --force`.")


def already_attached(relative_path) -> str:
    return f"{relative_path} is already attached (same content)"


# --- import ------------------------------------------------------------------------

def import_format_unknown(name) -> UserError:
    return UserError(f"cannot tell the format of {name} from its name: add --format csv or --format json.")


def import_unreadable(name, reason) -> UserError:
    return UserError(f"cannot import {name}: {reason}.")


def no_such_column(column, columns) -> UserError:
    return UserError(f"--map {column}=...: the file has no column '{column}'. Its columns:", columns)


def bad_map_target(target, targets) -> UserError:
    return UserError(f"--map ...={target}: '{target}' is not a field to import into. Use one of: {_listed(targets)} "
                     "(or nothing, to leave the column out).")


def row_bad_cell(key, text, expected) -> UserError:
    return UserError(f"'{key}' should be {expected}, not {text!r}")


def row_bad_ref(kind, ref) -> UserError:
    return UserError(f"{kind} id {ref!r} is not an id (ids are like jane-doe)")


def row_unknown_type(value, slug, types) -> UserError:
    return UserError(f"type '{value}' is not configured ({_listed(types)}): add it with `interact types add {slug}`, "
                     "or give the column no field (--map COLUMN=) to use the first type")


def row_completed_without_date() -> UserError:
    return UserError("it is completed but has no date (map a column to `when`)")


def row_same_id(where) -> UserError:
    return UserError(f"it has the same id as {where}, with other content")


def import_bad_rows(bad, noun="row") -> UserError:
    return UserError(f"{len(bad)} {noun}{'s' if len(bad) != 1 else ''} cannot be imported, so nothing was written: "
                     "fix them, or import the others with --skip-bad:", [f"{where}: {why}" for where, why in bad])


def import_missing_people(new_people) -> UserError:
    count = len(new_people)
    return UserError(f"{count} {'people or accounts are' if count != 1 else 'person or account is'} not in the store, "
                     "so nothing was written: add them (`interact contact add`, `interact account add`), or import "
                     "with --create-missing to create them:",
                     [f"{new.kind} {new.named!r} ({new.where})" for new in new_people])


def import_skipped_row(where, why) -> str:
    return f"warning: skipped {where}: {why}"


def import_kept_different(where, rid) -> str:
    return (f"warning: {rid} ({where}) is already in the store with other content: kept the store's version "
            f"(see `interact show {rid[:4]}`)")


def import_created_person(new, dry_run) -> str:
    return import_created(new.kind, new.record, dry_run)


def import_created(kind, record, dry_run) -> str:
    return f"{'would create' if dry_run else 'created'} {kind} {record['id']} ({record['name']})"


def import_summary(added, same, different, dry_run) -> str:
    parts = [f"{'would import' if dry_run else 'imported'} {added} interaction{'s' if added != 1 else ''}"]
    if same:
        parts.append(f"{same} already in the store")
    if different:
        parts.append(f"{different} already in the store with other content (kept)")
    return "; ".join(parts)


def import_nothing_mapped(columns) -> UserError:
    return UserError("no column of the file is mapped to a field: map them with --map COLUMN=FIELD (or use a "
                     "--preset that fits the file). Its columns:", columns)


# --- import: reading a file and its cells, guessing nothing ---------------------------------

def import_bad_csv(name, line, reason) -> UserError:
    return UserError(f"cannot import {name}: line {line}: {reason}; nothing was written. A cell that holds a "
                     'comma, a quote or a line break must be in double quotes, with its quotes doubled ("").')


def import_duplicate_columns(name, columns) -> UserError:
    return UserError(f"cannot import {name}: its header names {_listed(repr(c) for c in columns)} more than once, "
                     "so which cell is which cannot be told: rename or remove the extra columns.")


def row_wrong_cells(count, expected) -> str:
    return (f"it has {count} cell{'s' if count != 1 else ''} where the header has {expected} (a cell holding a "
            "comma or a line break needs double quotes)")


def row_only_empty_cells() -> str:
    return "it has only empty cells"


def bad_map_unit(target, units) -> UserError:
    forms = ", ".join(f"{name}:{unit}" for name, names in units.items() for unit in names)
    return UserError(f"--map ...={target}: that unit is not known. Units go with these fields: {forms} "
                     "(duration:s reads seconds; when:time is the time of day of `when`).")


def row_bad_date(text) -> UserError:
    return UserError(f"could not read the date {text!r}: an import takes 2026-11-03, 2026-11-03T14:30 (an offset "
                     "may follow) or, with a date order (--date-order dmy|mdy|ymd, or date_order in interact.yaml), "
                     "03/11/2026 14:30")


def import_option_needs_map() -> UserError:
    return UserError("--date-order, --default-assignee and --completed read a CRM's export: give its columns with "
                     "--map COLUMN=FIELD or --preset (our own CSV and JSON need none of them).")


def row_needs_date_order(text) -> UserError:
    return UserError(f"{text!r} could be day/month or month/day: import with --date-order dmy (or mdy, ymd), "
                     "or set date_order in interact.yaml")


def row_two_times(day_text, time_text) -> UserError:
    return UserError(f"the date {day_text!r} has a time of day and so does its time column ({time_text!r}): "
                     "map only one of them")


def row_time_without_date(time_text) -> UserError:
    return UserError(f"it has a time of day ({time_text!r}) but no date")


def row_unknown_owner(owners, users) -> UserError:
    named = " / ".join(repr(owner) for owner in owners)
    if not users:
        return UserError(f"its owner {named} is none of the store's users (interact.yaml lists none): list them "
                         "(users: [{id: alice, name: Alice Smith, email: alice@example.com}]) or import with "
                         "--default-assignee USER")
    return UserError(f"its owner {named} is none of the store's users ({_listed(users)}): give the user a name, "
                     "email or aliases in interact.yaml's users (e.g. {id: alice, name: Alice Smith}), or import "
                     "with --default-assignee USER")


def row_unknown_opportunity(name, count) -> UserError:
    if count:
        return UserError(f"{count} opportunities are named {name!r}: rename one (`interact account edit`)")
    return UserError(f"opportunity {name!r} is in no account of the store: add it first "
                     f"(`interact account edit ACCOUNT --opportunity '{name}=VALUE'`); an opportunity never "
                     "becomes an account")


# --- contact import (vCard) ----------------------------------------------------------------

def card_without_name() -> UserError:
    return UserError("the card has no name (neither FN nor N): add one in the address book")


def card_same_uid(uid, where) -> UserError:
    return UserError(f"it has the same UID ({uid}) as the card on {where}")


def card_same_contact(contact_id, where) -> UserError:
    return UserError(f"it is the same contact ({contact_id}) as the card on {where}: merge them in the address book")


def card_matches_several(candidates) -> UserError:
    return UserError("it matches several contacts (by email or name), so which to update cannot be told: "
                     "`interact contact edit` one of them: " + "; ".join(candidates))


def contact_without_account(contact_id, org, dry_run) -> str:
    return (f"{'would import' if dry_run else 'imported'} {contact_id} without the account {org!r}: it is not in "
            "the store (import with --create-missing to create it, or `interact account add`)")


def contact_skipped_card(where, why) -> str:
    return f"warning: skipped the card on {where}: {why}"


def contacts_summary(new, changed, same, accounts, dry_run) -> str:
    verb = "would import" if dry_run else "imported"
    parts = [f"{verb} {new + changed} contact{'s' if new + changed != 1 else ''} ({new} new, {changed} updated)"]
    if accounts:
        parts.append(f"{accounts} new account{'s' if accounts != 1 else ''}")
    if same:
        parts.append(f"{same} already up to date")
    return "; ".join(parts)


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


# --- text that is not UTF-8 --------------------------------------------------------

def _bytes_shown(text: str) -> str:
    """Text read with surrogateescape, its undecodable bytes shown as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def argument_not_utf8(argument) -> UserError:
    return UserError(f"the argument '{_bytes_shown(argument)}' is not UTF-8 text; nothing was written. "
                     "Give it in UTF-8 (check the terminal's or the script's encoding).")


def user_not_utf8(name) -> UserError:
    return UserError(f"the user name '{_bytes_shown(name)}' ($INTERACT_USER) is not UTF-8 text; nothing was "
                     "written. Set it in UTF-8, or use --as USER.")


def not_utf8(data: bytes | None = None, error=None) -> str:
    """Why bytes are no text, for a file's warning or an input's error: where, when known."""
    where = f" (byte 0x{data[error.start]:02x} at offset {error.start})" if data is not None else ""
    return f"is not UTF-8 text{where}"


def input_not_utf8(where, data: bytes, error) -> UserError:
    return UserError(f"{where} {not_utf8(data, error)}; nothing was written. Convert it first, e.g. with "
                     "`iconv -f latin1 -t utf-8`.")


def editor_not_utf8(what, data: bytes, error) -> UserError:
    return input_not_utf8(f"the {what} from the editor", data, error)


# --- a write that failed part-way --------------------------------------------------

def partly_written(error, written) -> UserError:
    """A write failed after others of the same command were made: say which (never "nothing
    was changed"). Commands order their writes so that running them again finishes the job."""
    where = f" {error.filename}" if getattr(error, "filename", None) else ""
    shown = ", ".join(written[:3]) + (f" and {len(written) - 3} more" if len(written) > 3 else "")
    return UserError(f"could not write{where}: {error.strerror or error}. Already changed before it: {shown}; "
                     "the rest was not written. Free some space or check the store's permissions, then run "
                     "the same command again to finish it.")


# --- untrusted files (SPEC §7) -----------------------------------------------------

def symbolic_link() -> str:
    return "is a symbolic link, which interact never follows: replace it with the file or folder itself"


def linked_cache() -> str:
    return ("is a symbolic link, which interact never follows: every record file is read instead of the index; "
            "delete the link (the index is made again)")


def write_through_link(relative_path) -> UserError:
    return UserError(f"refused to write: {relative_path} in the store is a symbolic link, and interact never "
                     "writes through one. Replace it with the file or folder itself (see `interact check`).")


def write_outside_store(path) -> UserError:
    return UserError(f"refused to write {path}: it is outside the store. A record's id is never a path: "
                     "run `interact check` to find the file that names it.")


def unsafe_id(rid) -> UserError:
    return UserError(f"refused to write a record whose id is {rid!r}: an id is never a path. "
                     "Run `interact check` to find the file that holds it.")


def not_its_file(path, source) -> UserError:
    return UserError(f"refused to write {path}: the record was read from {source}, and a record is only "
                     "written back to its own file. Run `interact check`.")


def yaml_alias(line, symbol) -> str:
    return (f"does not parse at line {line}: YAML anchors and aliases ({symbol}) are refused: "
            "write the value out in full")


def yaml_tag(line, tag) -> str:
    return f"does not parse at line {line}: YAML tags ({tag}) are refused: interact reads plain values only"


def too_deep(key, levels) -> str:
    return f"'{key}' nests lists or mappings more than {levels} levels deep"


def duplicate_id_read(rid, paths, kept) -> str:
    return (f"warning: interaction {rid} is in {len(paths)} files ({', '.join(paths)}): using {kept} "
            "(run `interact check` for every problem)")


def config_key_problem(key, shown, expected) -> str:
    return f"has {key}: {shown}, which should be {expected}"


def out_of_range_time(text, first, last) -> str:
    return f"{text!r} is outside the years {first}-{last}: give a date in them, e.g. 2026-11-28"


def out_of_range_duration(text, longest, positive) -> str:
    return (f"the duration {text!r} should be {'more than 0 and ' if positive else ''}at most {longest}: "
            f"try {_DURATION_EXAMPLES}")


# --- people, follow-ups, opportunities, dates and listings (SPEC §9) ----------------

def empty_ref(kinds) -> UserError:
    return UserError(f"an empty reference names no {' or '.join(kinds)}: give an id, a name, an email or a phone "
                     "number, e.g. \"Jane Doe\".")


def already_exists(kind, candidates, name=None, email=None) -> UserError:
    """Like them by its `name`, else by its `email`."""
    article = "an" if kind[0] in "aeiou" else "a"
    what = f"named '{name}'" if name is not None else f"with the email '{email}'"
    return UserError(f"{article} {kind} {what} is already in the store: use it by its id, or add another anyway "
                     "with --duplicate.", candidates)


def unknown_opportunity(ref, account_id, candidates) -> UserError:
    where = f"account '{account_id}' has" if account_id else "the store has"
    if not candidates:
        return UserError(f"no opportunity '{ref}': {where} none. Add one with "
                         f"`interact account edit {account_id or 'ACCOUNT'} --opportunity 'NAME=VALUE'`.")
    return UserError(f"no opportunity '{ref}': {where} these (name one by its id):", candidates)


def future_log(when) -> UserError:
    return UserError(f"--when {when:%Y-%m-%d %H:%M} is in the future: a log records what took place; use "
                     "`interact assign` to plan it.")


def future_completion(when) -> UserError:
    return UserError(f"--when {when:%Y-%m-%d %H:%M} is in the future: an interaction is completed once it took "
                     "place. Use `interact edit ID --when ...` to plan it for then.")


def not_completed_ids(count, total) -> UserError:
    return UserError(f"{count} of the {total} interactions were not completed (see the lines above).")


def missing_category(categories) -> str:
    listed = f" (one of: {_listed(categories)})" if categories else ""
    return (f"has no category, and interact.yaml sets require_category: true: add one{listed} with "
            "`interact edit ID --category NAME` (completed ones too)")


def follow_up_options_alone() -> UserError:
    return UserError("--follow-up-type, --follow-up-to and --follow-up-note describe a follow-up: add --follow-up WHEN, "
                     "e.g. --follow-up 'fri at 10'.")


# --- dates, times and durations as people type them -------------------------------------

_DATE_EXAMPLES = ("2026-11-28, 2026-11-28T14:30, today, tomorrow 9am, fri, last fri, 'fri at 10', 14:30, eod, "
                  "'next week', +3d, -2h, 'in 3 days', '3 days ago'")
_TIME_EXAMPLES = "09:00, 9am, 14:30, 2:30pm, noon"
_DURATION_EXAMPLES = "30, 30m, 1h, 1h30m, 2d, 1w"
_WEEK_EXAMPLES = "this, next, last, 2026-W49"
_MONTH_EXAMPLES = "this, next, last, 2026-12"


def bad_date(text) -> str:
    return f"could not read the date {text!r}: try {_DATE_EXAMPLES}"


def bad_time(text) -> str:
    return f"could not read the time {text!r}: try {_TIME_EXAMPLES}"


def bad_duration(text) -> str:
    return f"could not read the duration {text!r}: try {_DURATION_EXAMPLES}"


def bad_week(text) -> str:
    return f"could not read the week {text!r}: try {_WEEK_EXAMPLES}"


def bad_month(text) -> str:
    return f"could not read the month {text!r}: try {_MONTH_EXAMPLES}"


def numeric_date_not_guessed(text) -> str:
    return (f"could not read the date {text!r}: write the date as 2026-12-03 (or 3/12/2026 with `date_order: dmy` "
            "or `mdy` in interact.yaml)")


def date_order_needed(text) -> str:
    return (f"{text!r} could be day/month or month/day: set `date_order: dmy` (or mdy, ymd) in interact.yaml, "
            "or write it as 2026-12-03")


def bad_ordered_date(text, order, why) -> str:
    return f"could not read the date {text!r} as {'/'.join(order)}: {why}"


def year_not_four_digits() -> str:
    return "the year needs four digits"


def bad_stored_date(value) -> str:
    return f"could not read the stored date {value!r}: expected ISO 8601 such as 2026-11-24T14:30:00+00:00"


def bad_interact_now(value) -> str:
    return (f"could not read INTERACT_NOW={value!r}: expected an ISO 8601 date or datetime such as 2026-11-25 or "
            "2026-11-25T10:00")


# --- why a file is no record, or an invalid one: its warning, and its line in `check` ---------

def does_not_parse(line, problem) -> str:
    """`line`: where YAML stopped (from 1), when it says."""
    return f"does not parse{f' at line {line}' if line else ''}: {problem}"


def not_a_mapping(what) -> str:
    return f"holds {what}, not a mapping of fields"


def field_missing(key) -> str:
    return f"'{key}' is missing"


def not_names(key) -> str:
    return f"'{key}' should be a list of names"


def not_text(key, shown) -> str:
    return f"'{key}' should be text, not {shown}"


def bad_interaction_id(shown, length, alphabet) -> str:
    return f"'id' should be {length} characters of {alphabet}, not {shown}"


def bad_slug(shown, length) -> str:
    return (f"'id' should be a slug like jane-doe (lower-case letters and digits, single - between them, at most "
            f"{length} characters), not {shown}")


def type_not_configured(rtype, types) -> str:
    return f"type '{rtype}' is not one of the configured types ({_listed(types)})"


def duration_not_minutes(shown) -> str:
    return f"'duration' should be a number of minutes, not {shown}"


def duration_too_long(duration, longest) -> str:
    return f"'duration' {duration} should be more than 0 and at most {longest} minutes (366 days)"


def bad_ratings() -> str:
    return "'ratings' should map names to numbers from 1 to 5"


def bad_personal() -> str:
    return "'personal' should be true or false"


def fields_not_mapping() -> str:
    return "'fields' should be a mapping"


def bad_account_kind(shown) -> str:
    return f"'kind' should be customer or prospect, not {shown}"


def bad_default_contact(shown) -> str:
    return f"'default_contact' should be a contact's id, not {shown}"


def bad_opportunities() -> str:
    return "'opportunities' should be a list of {id, name, value, stage}"


def bad_posts() -> str:
    return "'posts' should be a list of {at, by, text}"


def bad_stored_time(key, shown, date_only: bool) -> str:
    example = "a date like 2026-11-28" if date_only else "a time with its offset like 2026-11-24T14:30:00+00:00"
    return f"'{key}' should be {example}, not {shown}"


def stored_time_out_of_range(key, value, first, last) -> str:
    return f"'{key}' {out_of_range_time(value, first, last)}"


def cadence_not_duration() -> str:
    return "it should be a duration like 30d"


def bad_cadence(shown, why) -> str:
    return f"'cadence' {shown}: {why}"


_CONFIG_EXPECTED = {  # interact.yaml's keys: what would work (untrusted.CONFIG_RULES holds the tests)
    "version": "a whole number, like 1",
    "user": "a user name, like alice",
    "users": "a list of user names, like [alice, bob]",
    "timezone": "a time zone, like Europe/London or UTC",
    "types": "a list of words, like [call, visit, email]",
    "purposes": "a list of texts, like [renewal, follow-up]",
    "categories": "a list of texts, like [volunteering, funding]",
    "ratings": "a list of rating names, like [interest, likelihood]",
    "pack_after": "a number of months, like 3 or '6 months'",
}


def config_expected(key) -> str:
    """What would work for an interact.yaml key (`auto_commit` and every `require_...` are flags)."""
    if key == "date_order":
        from .dates import DATE_ORDERS

        return f"one of {_listed(DATE_ORDERS)}"
    return _CONFIG_EXPECTED.get(key, "true or false")


# --- importing: a file that cannot be read -------------------------------------------------

def import_not_json(name, error) -> UserError:
    return import_unreadable(name, f"it is not JSON: {error}")


def import_too_deep(name, levels) -> UserError:
    return import_unreadable(name, f"it nests objects or lists more than {levels} deep")


def import_not_records(name) -> UserError:
    return import_unreadable(name, "it should hold a list of objects, one a record")


def import_too_big(name, mib) -> UserError:
    return import_unreadable(name, f"it is over {mib} MiB: import it in parts")


def import_out_of_memory(name) -> UserError:
    return import_unreadable(name, "it does not fit in memory: import it in parts")


def no_vcard() -> str:
    return "it holds no vCard (no BEGIN:VCARD ... END:VCARD)"


_UNIT_NAMES = {"s": "seconds", "m": "minutes", "h": "hours"}


def row_bad_duration(unit, text) -> UserError:
    return row_bad_cell(f"duration:{unit}", text, f"a number of {_UNIT_NAMES[unit]}")


def row_negative_duration(unit, text) -> UserError:
    return row_bad_cell(f"duration:{unit}", text, "a number of 0 or more")


# --- the editor, git and files that cannot be read ------------------------------------------

def editor_prompt(what) -> str:
    """The text an empty --edit starts from; its lines starting with # are left out."""
    return f"\n# Write the {what}; lines starting with # are ignored.\n"


def cannot_run_git(error) -> str:
    return f"cannot run git: {error.strerror}"


def git_command_failed(command) -> str:
    return f"git {command} failed"


def cannot_be_read(error) -> str:
    return f"cannot be read: {error.strerror}"


# --- hooks (your own config.yaml): warnings, never errors -----------------------------------

def hooks_unreadable(path, error) -> str:
    return f"warning: hooks not run: cannot read {path}: {str(error).splitlines()[0]}"


def hooks_not_a_mapping(path, events) -> str:
    return f"warning: hooks not run: 'hooks' in {path} should map events ({_listed(events)}) to commands"


def not_a_hook_event(path, event, events) -> str:
    return f"warning: {path}: '{event}' is not a hook event; use one of {_listed(events)}"


def hook_not_a_command(path, event) -> str:
    return f"warning: {path}: hook {event} should be a command (text)"


def bad_hook_timeout(path, value, longest, default) -> str:
    return (f"warning: {path}: hook_timeout should be a number of seconds from 0 to {longest}, not {value!r}; "
            f"using {default}")


def hook_did_not_run(event, error) -> str:
    return f"warning: hook {event} did not run: {error.strerror or error}"


def hook_stopped(event, timeout) -> str:
    return f"warning: hook {event} was stopped after {timeout:g} s"


def hook_failed(event, status, command) -> str:
    return f"warning: hook {event} failed (exit status {status}): {command}"


# --- month packs (SPEC §11) ---------------------------------------------------------

def pack_record_problem(rid, line, problem) -> str:
    """A problem of one record of a pack: the pack's path goes before it."""
    which = f"record {rid}" if rid else f"the record at line {line}"
    return f"{which}: {problem}"


def twice_in_pack(first_line) -> str:
    return f"its id is held earlier in this pack (line {first_line}); the first is read: remove one of them"


def pack_unreadable() -> str:
    return "cannot be read: check its permissions, or restore it with git"


def packing_label() -> str:
    return "Packing closed months"


def pack_future_month(month, today) -> UserError:
    return UserError(f"--before {month:%Y-%m} would pack months that have not ended yet: give a month up to "
                     f"{today:%Y-%m} (the months before it are packed)")


def packed(records, months, kept_from) -> str:
    return (f"packed {records} interaction{'s' if records != 1 else ''} into {months} month "
            f"pack{'s' if months != 1 else ''} (months before {kept_from:%Y-%m})")


def nothing_to_pack(kept_from) -> str:
    return f"nothing to pack: no completed interaction is loose in a month before {kept_from:%Y-%m}"


def pack_left_alone(path, why) -> str:
    return f"warning: left {path} as it is: {why}; mend it (`interact check` shows every problem), then pack again"


def reading_store() -> str:
    return "Reading the store (a first read; later reads use what it keeps)"


def reading_changes() -> str:
    return "Reading new and changed files"


def packed_outstanding(rid) -> str:
    return (f"is not completed, and a pack holds completed interactions only: move it to a file of its own, "
            f"interactions/YYYY/MM/{rid}.yaml, and out of the pack")


def writing_interactions() -> str:
    return "Writing interactions"
