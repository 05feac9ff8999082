"""Git for the team log: commit exactly the files a command wrote or removed (never pushes),
and set a clone up to merge records with `interact merge-file`.

Imported only when `--commit` or `auto_commit` asks for a commit, or by `git-setup`,
`init --git` and `sync`: commands that do not commit never start git.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from . import messages as msg
from .errors import UserError
from .atomic import atomic_write
from .layout import GITATTRIBUTES

GIT_LINES_SHOWN = 20  # of a failed git command's output, e.g. a pre-commit hook's


def git(root: Path, *args: str, check: bool = True, failed=msg.commit_failed) -> subprocess.CompletedProcess:
    """Run git in `root`; when it fails (and `check`), raise failed(git's last lines)."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except OSError as error:
        raise failed([msg.cannot_run_git(error)]) from None
    if check and result.returncode != 0:
        raise failed(said(result) or [msg.git_command_failed(args[0])])
    return result


def said(result: subprocess.CompletedProcess) -> list[str]:
    """The last lines git wrote (on stderr, then stdout)."""
    return (result.stderr + result.stdout).strip().splitlines()[-GIT_LINES_SHOWN:]


def inside_work_tree(folder: Path) -> bool:
    """Whether `folder` is inside a git work tree (False also when git cannot run)."""
    try:
        result = git(Path(folder), "rev-parse", "--is-inside-work-tree", check=False)
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
    tracked = set(git(root, "ls-files", "-z", "--", *relative).stdout.split("\0"))
    present = [p for p in relative if (root / p).exists()]
    # a file both made and removed by the command (an undone --new contact) is no change
    removed = [p for p in relative if p not in present and p in tracked]
    if present:
        git(root, "add", "--", *present)
    changed = present + removed
    if not changed or not git(root, "status", "--porcelain", "-z", "--", *changed).stdout:
        return None
    git(root, "commit", "-q", "-m", message, "--", *changed)
    return git(root, "rev-parse", "--short", "HEAD").stdout.strip()


# --- the merge driver ------------------------------------------------------------------

MERGE_DRIVER_NAME = "interact: records merged field by field"
ATTRIBUTE_LINES = tuple(line for line in GITATTRIBUTES.splitlines() if line and not line.startswith("#"))


def setup(store_root: Path, driver: str) -> tuple[bool, list[str]]:
    """Register `driver` (the command git runs: `... merge-file %O %A %B %P`) as the merge
    driver `interact` in this clone's git config, and put the attribute lines that name it
    in the store's .gitattributes. Returns (whether the config changed, the lines added)."""
    store_root = Path(store_root)
    if not inside_work_tree(store_root):
        raise msg.not_in_work_tree("git-setup", store_root)
    settings = {"merge.interact.name": MERGE_DRIVER_NAME, "merge.interact.driver": driver}
    current = {key: git(store_root, "config", "--get", key, check=False).stdout.rstrip("\n") for key in settings}
    for key, value in settings.items():
        if current[key] != value:
            git(store_root, "config", key, value, failed=msg.git_failed)
    return current != settings, add_attributes(store_root)


def add_attributes(store_root: Path) -> list[str]:
    """Append to the store's .gitattributes the lines of ATTRIBUTE_LINES it lacks."""
    path = Path(store_root) / ".gitattributes"
    if path.is_symlink():
        raise msg.link_refused(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    missing = [line for line in ATTRIBUTE_LINES if line not in text.splitlines()]
    if missing:
        text += ("" if text.endswith("\n") or not text else "\n") + "".join(f"{line}\n" for line in missing)
        atomic_write(path, text.encode())
    return missing
