"""Git for the team log: commit exactly the files a command wrote or removed. Never pushes.

Imported only when `--commit` or `auto_commit` asks for a commit: commands that do not
commit never start git.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import messages as msg
from .errors import UserError

GIT_LINES_SHOWN = 20  # of a failed git command's output, e.g. a pre-commit hook's


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except OSError as error:
        raise msg.commit_failed([f"cannot run git: {error.strerror}"]) from None
    if check and result.returncode != 0:
        lines = (result.stderr + result.stdout).strip().splitlines()
        raise msg.commit_failed(lines[-GIT_LINES_SHOWN:] or [f"git {args[0]} failed"])
    return result


def inside_work_tree(folder: Path) -> bool:
    """Whether `folder` is inside a git work tree (False also when git cannot run)."""
    try:
        result = _git(Path(folder), "rev-parse", "--is-inside-work-tree", check=False)
    except UserError:
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def commit(root: Path, paths, message: str) -> str | None:
    """Commit `paths` (files under `root` that were written or removed) and nothing else.

    Changes staged by hand stay staged and out of this commit (`git commit -- PATHS`).
    Returns the new commit's short hash, or None when none of the files changed.
    """
    root = Path(root)
    if not inside_work_tree(root):
        raise msg.not_a_repository(root)
    relative = list(dict.fromkeys(Path(p).relative_to(root).as_posix() for p in paths))
    if not relative:
        return None
    tracked = set(_git(root, "ls-files", "-z", "--", *relative).stdout.split("\0"))
    present = [p for p in relative if (root / p).exists()]
    # a file both made and removed by the command (an undone --new contact) is no change
    removed = [p for p in relative if p not in present and p in tracked]
    if present:
        _git(root, "add", "--", *present)
    changed = present + removed
    if not changed or not _git(root, "status", "--porcelain", "-z", "--", *changed).stdout:
        return None
    _git(root, "commit", "-q", "-m", message, "--", *changed)
    return _git(root, "rev-parse", "--short", "HEAD").stdout.strip()
