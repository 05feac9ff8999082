"""The store's configuration, interact.yaml: read into a `Config` with defaults for what it leaves
out and the checks of a value against it (a known type, category, user), and the commented file
`interact init` writes. Each key's rule is untrusted.py's (config_problems); changing keys as
text, keeping comments, is config_text.py's."""

from __future__ import annotations

from . import messages as msg
from .untrusted import config_problems
from .users import user_entries, user_for

DEFAULT_TYPES = ["call", "visit", "email", "meeting", "chat", "note"]


class Config:
    """The store's interact.yaml, with defaults for what it leaves out."""

    def __init__(self, data: dict | None = None):
        """ValueError, naming the key and what would work, when a value is wrong (SPEC §7)."""
        data = data or {}
        problems = config_problems(data)
        if problems:
            raise ValueError(problems[0])
        self.data = data
        self.user = data.get("user") or None
        self.user_entries = user_entries(data.get("users"))  # each a user id or {id, name, email, aliases}
        self.users = [entry["id"] for entry in self.user_entries]
        self.timezone = data.get("timezone") or None
        self.types = [str(t) for t in data.get("types") or DEFAULT_TYPES]
        self.purposes = [str(p) for p in data.get("purposes") or []]
        self.categories = [str(c) for c in data.get("categories") or []]
        self.require_category = bool(data.get("require_category", False))
        self.ratings = [str(r) for r in data.get("ratings") or []]
        self.require_account = bool(data.get("require_account", False))
        self.auto_commit = bool(data.get("auto_commit", False))
        self.date_order = data.get("date_order") or None  # dmy | mdy | ymd: how 3/12/2026 is read

    def check_type(self, name: str) -> str:
        if name not in self.types:
            raise msg.unknown_type(name, self.types)
        return name

    def check_category(self, name: str | None) -> str | None:
        if name is None:
            if self.require_category:
                raise msg.category_required(self.categories)
            return None
        if self.categories and name not in self.categories:
            raise msg.unknown_category(name, self.categories)
        return name

    def check_user(self, name: str) -> str:
        if self.users and name not in self.users:
            raise msg.unknown_user(name, self.users)
        return name

    def user_for(self, text: str) -> str | None:
        """The configured user that `text` names (a CRM's owner; see users.user_for)."""
        return user_for(self.user_entries, text)


CONFIG_TEMPLATE = """\
# interact store configuration. See `interact --help`.
version: 1
# user: alice                 # default user for this store (leave unset in a team repo)
# users: [alice, bob]         # when set, assignees must be one of these
# timezone: Europe/London     # times without an offset are read in this zone ($TZ wins)
types: [call, visit, email, meeting, chat, note]   # ordered; add your own
purposes: [renewal, follow-up, enquiry]
# categories: [volunteering, funding, governance]  # for reports
require_category: false       # when true every interaction needs one of `categories`
ratings: [interest, likelihood]   # names of 1-5 ratings a log may carry
require_account: false        # when true every interaction must relate to an account
# auto_commit: true           # writing commands commit the files they change with git (never push)
"""
