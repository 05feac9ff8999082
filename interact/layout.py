"""A store's layout on disk: its folders and files, finding one, and making a new one."""

from __future__ import annotations

import re
from pathlib import Path

from . import messages as msg
from .atomic import atomic_write
from .model import CONFIG_TEMPLATE

CONFIG_NAME = "interact.yaml"
LOCAL_DIR = ".cache"  # lock file and derived data: never committed
KIND_DIRS = {"contact": "contacts", "account": "accounts", "interaction": "interactions"}
# Records merge field by field through `interact merge-file`, in clones that registered it
# (`interact git-setup`); elsewhere git's line merge. Never merge=union: it keeps both sides
# of a conflict without markers and silently leaves a wrong or invalid record.
GITATTRIBUTES = """\
# interact records: UTF-8 text, LF line endings on every platform, merged by `interact merge-file`
*.yaml text eol=lf
*.yaml merge=interact
"""
KIND_DEPTHS = {"contact": 0, "account": 0, "interaction": 2}  # folders between KIND_DIRS and the files
YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def find_store(dir_option: str | None, env_dir: str | None, cwd: Path) -> Path:
    """The store's root: --dir, then $INTERACT_DIR, then walking up from cwd."""
    explicit = dir_option or env_dir
    if explicit:
        root = Path(explicit)
        if (root / CONFIG_NAME).is_file():
            return root
        if (root / "records" / CONFIG_NAME).is_file():
            return root / "records"
        raise msg.not_a_store(root)
    for folder in (cwd, *cwd.parents):
        for candidate in (folder, folder / "records"):
            if (candidate / CONFIG_NAME).is_file():
                return candidate
    raise msg.no_store(cwd)


def init_store(path: Path) -> Path:
    if (path / CONFIG_NAME).exists():
        raise msg.store_exists(path)
    for sub in KIND_DIRS.values():
        (path / sub).mkdir(parents=True, exist_ok=True)
    atomic_write(path / CONFIG_NAME, CONFIG_TEMPLATE.encode(), exclusive=True)
    # the temporary files of writes that were interrupted (atomic_write's .NAME.XXXX.tmp) are never committed
    atomic_write(path / ".gitignore", f"/{LOCAL_DIR}/\n.*.tmp\n".encode())
    atomic_write(path / ".gitattributes", GITATTRIBUTES.encode())
    return path
