"""The store's users (`users` in interact.yaml): each entry a user id, or a mapping that also
says how the user is named elsewhere, so that a CRM's owner can be placed:

    users:
      - carol
      - {id: alice, name: Alice Smith, email: alice@example.com, aliases: [0055g00000AliAAA]}

`id` is required in a mapping; `name`, `email` and `aliases` (a list) are optional.
"""

from __future__ import annotations


def user_entries(users) -> list[dict]:
    """The entries as {"id": ..., "known_as": {the folded name, email and aliases}}, in order;
    an entry without an id is left out."""
    entries = []
    for entry in users if isinstance(users, list) else ():
        if isinstance(entry, dict):
            uid = entry.get("id")
            if not isinstance(uid, (str, int)) or isinstance(uid, bool):
                continue
            aliases = entry.get("aliases") if isinstance(entry.get("aliases"), list) else []
            known = [entry.get("name"), entry.get("email"), *aliases]
            entries.append({"id": str(uid),
                            "known_as": {str(name).strip().casefold() for name in known if name not in (None, "")}})
        elif entry is not None:
            entries.append({"id": str(entry), "known_as": set()})
    return entries


def user_for(entries: list[dict], text: str) -> str | None:
    """The user that `text` names: by id, then by name, email or alias, ignoring case; None
    when no user, or more than one, answers to it."""
    folded = text.strip().casefold()
    by_id = [entry["id"] for entry in entries if entry["id"].casefold() == folded]
    hits = by_id or [entry["id"] for entry in entries if folded in entry["known_as"]]
    return hits[0] if len(hits) == 1 else None
