"""log, assign, complete, show, edit, comment, delete."""

from __future__ import annotations

import click

from .. import actions
from .. import messages as msg
from ..cli import CliError, pass_env, say, stacked, user_errors
from ..errors import UserError
from ..people import parse_pairs
from ..render import FORMATS
from .team import commit_option


_people_options = stacked(
    click.option("--with", "with_refs", multiple=True, metavar="REF",
                 help="More people (or accounts) it was with; repeatable."),
    click.option("--account", "account_refs", multiple=True, metavar="REF",
                 help="The account it relates to (default: the accounts of its people)."),
)


_detail_options = stacked(
    click.option("--duration", metavar="DURATION", help="How long: 30, 30m, 1h30m, 2d."),
    click.option("--purpose", help="Why: renewal, follow-up, enquiry, or any text."),
    click.option("--category", help="One of the store's categories (for reports)."),
    click.option("--rating", "ratings", multiple=True, metavar="NAME=N", help="A 1-5 rating, e.g. interest=4."),
    click.option("--tag", "tags", multiple=True, help="A tag; repeatable."),
    click.option("--relates", multiple=True, metavar="KIND:REF", help="A reference such as case:4711."),
    click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
                 help="Store extra information on the contact, e.g. country=India."),
)


_creation_options = stacked(
    click.option("--new", is_flag=True, help="Create the contact WHO first (with --email, --phone, --account)."),
    click.option("--duplicate", is_flag=True,
                 help="With --new: add the contact even if one with that name or email exists."),
    click.option("--email", help="With --new: the new contact's email."),
    click.option("--phone", help="With --new: the new contact's phone."),
    click.option("--personal", is_flag=True, help="A note to self with no one: every word is the note."),
    click.option("--edit", "use_editor", is_flag=True, help="Write the text in $EDITOR."),
)


_follow_up_options = stacked(
    click.option("--follow-up", metavar="WHEN", help="Plan a follow-up at WHEN with the same people; prints its id."),
    click.option("--follow-up-type", metavar="TYPE", help="The follow-up's type (default: this one's)."),
    click.option("--follow-up-to", metavar="USER", help="Who does the follow-up (default: you)."),
    click.option("--follow-up-note", metavar="TEXT", help="What the follow-up is to do (its instructions)."),
)


def _follow_up_plan(env, follow_up, follow_up_type, follow_up_to, follow_up_note) -> actions.FollowUp | None:
    """The follow-up the --follow-up options ask for; the others without --follow-up are a mistake."""
    if follow_up is None:
        if follow_up_type or follow_up_to or follow_up_note:
            raise msg.follow_up_options_alone()
        return None
    return actions.FollowUp(env.when(follow_up), follow_up_type, follow_up_to, follow_up_note)


def _draft(env, type_, words, *, with_refs, account_refs, duration, purpose, category, ratings, tags, relates,
           sets, new, duplicate, email, phone, personal, use_editor, what):
    from ..durations import parse_duration
    from .writing import read_text

    words = list(words)
    who = None if personal or not words else words.pop(0)
    if who == "-" and not personal:
        raise msg.who_missing()
    return actions.Draft(
        type=type_, who=who, with_refs=list(with_refs), account_refs=list(account_refs),
        duration=parse_duration(duration, positive=True) if duration is not None else None,
        purpose=purpose, category=category, ratings=parse_pairs(ratings, "--rating"), tags=list(tags),
        relates=list(relates), sets=parse_pairs(sets, "--set"), personal=personal,
        new_contact={"email": email, "phone": phone} if new else None, duplicate=duplicate,
        **{what: read_text(words, use_editor, what)},
    )


def _report_new(env, written: actions.Logged, event):
    """The new id alone on stdout (a contact made by --new on stderr), then the follow-up's,
    then the user's hooks: every follow-up is planned work, so it fires on_assign."""
    from .writing import run_hooks

    if written.created is not None:
        say(msg.created_contact(written.created))
    click.echo(written.record["id"])
    if written.follow_up is not None:
        click.echo(written.follow_up["id"])
    run_hooks(env, written.record, event)
    if written.follow_up is not None:
        run_hooks(env, written.follow_up, "on_assign")


@click.command()
@click.argument("type_", metavar="TYPE")
@click.argument("words", nargs=-1, metavar="WHO [NOTE...]")
@_people_options
@click.option("--when", metavar="WHEN", help="When it happened (default now): 14:30, yesterday 3pm, '2 days ago'.")
@_detail_options
@click.option("--outcome", help="How it ended, e.g. 'Left voicemail'.")
@_follow_up_options
@_creation_options
@commit_option
@pass_env
@user_errors
def log(env, type_, words, when, outcome, follow_up, follow_up_type, follow_up_to, follow_up_note, **options):
    """Record an interaction that took place, completed at --when (default now;
    never in the future: plan with `assign`).

    WHO is a contact or account (id, name, email, phone or a unique part of the
    name); NOTE is the rest of the words, or '-' to read it from stdin.
    Prints the new interaction's id (then, with --follow-up, the follow-up's).

    \b
    Examples:
      interact log call "Jane Doe" Discussed the renewal --outcome "Sending a quote"
      interact log visit acme --when "yesterday 3pm" --duration 1h --rating interest=4
      interact log email "Raj Patel" --new --email raj@example.com --set country=India Asked about fees
      interact log call jane Left a message --follow-up "fri at 10" --follow-up-note "Try again"
      interact log call "Jane Doe" --new --duplicate --email jane@other.example   # a namesake
      interact log call jane --relates case:4711 --relates opportunity:renewal-2027
      interact log note --personal Remember to book the venue
    """
    draft = _draft(env, type_, words, what="note", **options)
    draft.when = env.when(when) if when is not None else None
    draft.outcome = outcome
    draft.follow_up = _follow_up_plan(env, follow_up, follow_up_type, follow_up_to, follow_up_note)
    _report_new(env, actions.log(env.store, env.now, env.user, draft), "on_log")


@click.command()
@click.argument("type_", metavar="TYPE")
@click.argument("words", nargs=-1, metavar="WHO [INSTRUCTIONS...]")
@_people_options
@click.option("--to", "assignee", metavar="USER", help="Who is to do it (default: you).")
@click.option("--when", metavar="WHEN", help="Planned start: 'fri 10am', 'tomorrow 9am', 2026-12-01T14:00.")
@click.option("--due", metavar="DATE", help="Complete by this day: fri, +3d, 2026-11-28.")
@click.option("--notify", is_flag=True, help="Tell me when it is completed.")
@click.option("--follow-up-of", metavar="ID", help="The earlier interaction this one follows up.")
@_detail_options
@_creation_options
@commit_option
@pass_env
@user_errors
def assign(env, type_, words, assignee, when, due, notify, follow_up_of, **options):
    """Plan or hand out an interaction: open, assigned --to USER (default you).

    Prints the new interaction's id.

    \b
    Examples:
      interact assign call "Jane Doe" Ask about the renewal --due fri
      interact assign visit acme --to bob --when "tue 10am" --duration 1h --notify
      interact assign call jane "Send the contract" --follow-up-of 7kq2 --when "next week"
      interact assign call raj --when eod --due "this fri"
      id=$(interact assign call raj --when "tomorrow 9am")
    """
    draft = _draft(env, type_, words, what="instructions", **options)
    draft.when = env.when(when) if when is not None else None
    draft.due = env.date(due).isoformat() if due is not None else None
    draft.assignee = assignee
    draft.notify = notify
    draft.follow_up_of = follow_up_of
    _report_new(env, actions.assign(env.store, env.now, env.user, draft), "on_assign")


@click.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--outcome", required=True, help="How it ended, e.g. 'Booked a demo'.")
@click.option("--note", help="Appended to the note.")
@click.option("--next-action", help="What should happen next.")
@click.option("--type", "type_", help="The type, if it changed (e.g. a planned call became a visit).")
@click.option("--when", metavar="WHEN", help="When it took place, never in the future (default: completed now, "
              "`when` as planned).")
@click.option("--rating", "ratings", multiple=True, metavar="NAME=N", help="A 1-5 rating, e.g. interest=4.")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="Store extra information on the contact.")
@_follow_up_options
@commit_option
@pass_env
@user_errors
def complete(env, ids, outcome, note, next_action, type_, when, ratings, sets, **follow_up_options):
    """Complete interactions with their outcome. Completing is final.

    Takes several ids (each is completed, or the reason it is not is said; exit 1
    if any is not), so a listing's ids can be piped to it with xargs. With
    --follow-up, prints each follow-up's id.

    \b
    Examples:
      interact complete 7kq2 --outcome "Left voicemail" --follow-up "tomorrow 10am"
      interact complete 7kq2 --outcome "Signed" --when "today 11:00" --rating likelihood=5
      interact complete 7kq2 --outcome "Spoke" --follow-up "fri at 10" --follow-up-type visit --follow-up-to bob
      interact list --generated --today --format ids | xargs -r interact complete --outcome "No answer"
    """
    from .writing import run_hooks

    plan = _follow_up_plan(env, **follow_up_options)
    taken_at = env.when(when) if when is not None else None
    rating_pairs, set_pairs = parse_pairs(ratings, "--rating"), parse_pairs(sets, "--set")
    failed = 0
    for id_ in ids:
        try:
            record, follow = actions.complete(
                env.store, env.now, env.user, id_, outcome=outcome, note=note, next_action=next_action, type=type_,
                when=taken_at, ratings=rating_pairs, sets=set_pairs, plan=plan)
        except UserError as error:
            if len(ids) == 1:
                raise
            CliError(f"{id_}: {error.message}", error.candidates).show()  # and on to the next one
            failed += 1
            continue
        click.echo(msg.completed(record), err=True)
        if follow is not None:
            click.echo(follow["id"])
        run_hooks(env, record, "on_complete", *(["on_notify"] if record.get("notify") else []),
                  more=lambda record=record: {"follow_ups": _follow_ups(env, record)})
        if follow is not None:
            run_hooks(env, follow, "on_assign")
    if failed:
        raise msg.not_completed_ids(failed, len(ids))


def _follow_ups(env, record) -> list[str]:
    from ..query import follow_ups

    return follow_ups(env.store, record["id"])


@click.command()
@click.argument("id_", metavar="ID")
@click.option("--type", "type_", help="A new type.")
@click.option("--note", help="Replace the note.")
@click.option("--instructions", help="Replace the instructions.")
@click.option("--to", "assignee", metavar="USER", help="Reassign.")
@click.option("--when", metavar="WHEN", help="A new planned time.")
@click.option("--due", metavar="DATE", help="A new due date.")
@click.option("--notify", is_flag=True, help="Tell me when it is completed.")
@_people_options
@_detail_options
@click.option("--untag", multiple=True, metavar="TAG", help="Remove a tag; repeatable.")
@click.option("--unrelate", multiple=True, metavar="KIND:REF", help="Remove a reference; repeatable.")
@commit_option
@pass_env
@user_errors
def edit(env, id_, type_, note, instructions, assignee, when, due, notify, with_refs, account_refs, duration,
         purpose, category, ratings, tags, relates, sets, untag, unrelate):
    """Change an interaction. A completed one keeps its facts (type, time, people,
    note, outcome): only its links change (--tag, --untag, --relates, --unrelate,
    --account, --category).

    Values replace; --with, --account, --tag and --relates add to what is there.

    \b
    Examples:
      interact edit 7kq2 --when "mon 10am" --to bob
      interact edit 7kq2 --with "Raj Patel" --tag vip
      interact edit 7kq2 --relates case:4711 --unrelate case:4700   # a finished call too
    """
    from ..durations import parse_duration

    given = {
        "type": type_, "note": note, "instructions": instructions, "assignee": assignee, "when": when,
        "due": due, "notify": notify or None, "duration": duration, "purpose": purpose, "category": category,
        "ratings": ratings or None, "tags": tags or None, "untag": untag or None, "relates": relates or None,
        "unrelate": unrelate or None, "with": with_refs or None, "accounts": account_refs or None,
        "sets": sets or None,
    }
    changed = {name for name, value in given.items() if value is not None}
    draft = actions.Draft(
        type=type_, note=note, instructions=instructions, assignee=assignee, purpose=purpose, category=category,
        when=env.when(when) if when is not None else None,
        due=env.date(due).isoformat() if due is not None else None,
        duration=parse_duration(duration, positive=True) if duration is not None else None,
        with_refs=list(with_refs), account_refs=list(account_refs), ratings=parse_pairs(ratings, "--rating"),
        tags=list(tags), relates=list(relates), sets=parse_pairs(sets, "--set"),
    )
    record = actions.edit(env.store, env.now, env.user, id_, draft, untag=list(untag), changed=changed,
                          unrelate=list(unrelate))
    click.echo(msg.updated(record), err=True)


@click.command()
@click.argument("id_", metavar="ID")
@click.argument("words", nargs=-1, required=True, metavar="TEXT...")
@commit_option
@pass_env
@user_errors
def comment(env, id_, words):
    """Add a comment (a post) to an interaction, completed ones too.

    \b
    Example:
      interact comment 7kq2 Customer called back, wants a call on Monday
    """
    from .writing import read_text

    record = actions.comment(env.store, env.now, env.user, id_, read_text(words, False) or "")
    click.echo(msg.commented(record), err=True)


@click.command()
@click.argument("id_", metavar="ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@commit_option
@pass_env
@user_errors
def delete(env, id_, yes):
    """Delete an interaction and its attachments (asks first; --yes skips the question).

    \b
    Example:
      interact delete 7kq2 --yes
    """
    from ..attachments import attachments
    from .common import people_names, summary

    record = env.store.find_interaction(id_)
    if not yes:
        label = " ".join(part for part in (record.get("type"), people_names(record, env), summary(record)) if part)
        from ..text import printable

        click.confirm(printable(msg.confirm_delete(record, label, len(attachments(env.store, record["id"])))),
                      abort=True, err=True)
    removed = actions.delete(env.store, record)
    click.echo(msg.deleted(record, len(removed)), err=True)


@click.command()
@click.argument("id_", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@pass_env
@user_errors
def show(env, id_, fmt):
    """Show one interaction in full: its fields, status, people and follow-ups.

    \b
    Examples:
      interact show 7kq2
      interact show 7kq2 --format json | jq .status
    """
    from ..attachments import attachments
    from ..query import follow_ups
    from ..render import View
    from .common import emit, local_time, with_status

    store = env.store
    record = store.find_interaction(id_)
    data = with_status(record, env)
    data["follow_ups"] = follow_ups(store, record["id"])
    files = attachments(store, record["id"])
    if files:
        data["attachments"] = [store.relative(path) for path in files]
    contacts, accounts = store.contacts(), store.accounts()
    rows = []
    for key, value in data.items():
        if key in ("contacts", "accounts"):
            pool = contacts if key == "contacts" else accounts
            value = ", ".join(f"{pool[i]['name']} ({i})" if i in pool else i for i in value)
        elif key in ("when", "created_at", "completed_at"):
            value = local_time(value, env)
        elif key == "posts":
            value = "\n".join(f"{local_time(p.get('at'), env)} {p.get('by', '')}: {p.get('text', '')}" for p in value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        if value not in ("", None):
            rows.append([key, value])
    emit(fmt, View(records=[data], rows=rows, headers=["field", "value"], one=True))
