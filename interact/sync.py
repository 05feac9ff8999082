"""`interact sync`: share a clone's work in one step (SPEC §8).

Pack the months that are due (SPEC §11), commit the store's changes, `git pull --no-rebase`, refuse to push a store that `check`
finds problems in, `git push`, and pull again when the push found that the remote moved.

The pull merges records by the rules of merge.py, as the merge driver does, but in this
process: git is told that the `interact` driver is `false`, so every file that both sides
changed stops as a conflict without a process started per file, and they are all merged
here at once (from the index's stages, read in one `git cat-file --batch`). Two clones that
changed the same 1,000 records merge in a second or two instead of 1,000 starts of
`interact merge-file`. What cannot be merged is left with its conflict markers.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from . import messages as msg
from .attachments import FOLDER as ATTACHMENTS
from .gitops import commit, git, said
from .merge_file import kind_of_path, merge_texts
from .atomic import atomic_write_all
from .layout import CONFIG_NAME, KIND_DIRS

PUSH_TRIES = 3
STORE_ENTRIES = (CONFIG_NAME, ".gitignore", ".gitattributes", *KIND_DIRS.values(), ATTACHMENTS)
REGULAR_FILES = ("100644", "100755")  # index modes: links (120000) and submodules are never merged here


@dataclass
class Clone:
    store: Path     # the store's root
    top: Path       # the work tree's root
    prefix: str     # the store's folder in the work tree: '' or 'records/'
    remote: str = ""
    branch: str = ""  # the upstream branch's ref, refs/heads/...
    upstream: str = ""  # how to name it to people: origin/main
    merging: bool = False  # a merge is under way (MERGE_HEAD)

    def store_path(self, path: str) -> str:
        """A path from the work tree's root, as people in the store's folder name it."""
        return path[len(self.prefix):] if path.startswith(self.prefix) else f"{'../' * self.prefix.count('/')}{path}"


def sync(store_root: Path, *, push: bool, clock: float, say, lock=contextlib.nullcontext, pack=None) -> None:
    """Pack what is due, commit, pull, check, push; `say(line)` tells each step that did
    something. `lock()` (the store's lock) is held while the work tree changes, so that no
    command's read-modify-write of a record straddles the merge and puts back what it did not
    see. `pack()` (packing.pack of the months due, SPEC §11) runs first, so that a team's
    store packs itself; it gives the line to say, or None when it packed nothing."""
    clone = _open(Path(store_root))
    _refuse_unfinished_merge(clone)
    with lock():
        packed = pack() if pack is not None else None
        if packed:
            say(packed)
        _commit_changes(clone, say)
        _find_upstream(clone)
        _pull(clone, say)
    if not push:
        return
    for attempt in range(1, PUSH_TRIES + 1):
        if not _ahead(clone):
            return
        _check(clone, clock, say)
        result = git(clone.top, "push", "-q", clone.remote, f"HEAD:{clone.branch}", check=False)
        if result.returncode == 0:
            say(msg.sync_pushed(clone.upstream))
            return
        if not _remote_moved(clone):
            raise msg.push_failed(said(result))
        if attempt == PUSH_TRIES:
            raise msg.push_gave_up(clone.upstream, PUSH_TRIES)
        say(msg.sync_retry(clone.upstream, attempt + 1, PUSH_TRIES))
        with lock():
            _pull(clone, say)


def _open(store_root: Path) -> Clone:
    found = git(store_root, "rev-parse", "--show-toplevel", "--show-prefix", "--git-path", "MERGE_HEAD", check=False)
    if found.returncode != 0:  # not in a git work tree (or git cannot run there)
        raise msg.not_in_work_tree("sync", store_root)
    top, prefix, merge_head = found.stdout.split("\n")[:3]
    clone = Clone(store_root, Path(top), prefix)
    clone.merging = (store_root / merge_head).exists()  # relative to where git ran, unless absolute
    return clone


def _refuse_unfinished_merge(clone: Clone) -> None:
    unmerged = _unmerged(clone)
    if unmerged or clone.merging:
        raise msg.merge_in_progress([clone.store_path(path) for path in unmerged])


def _commit_changes(clone: Clone, say) -> None:
    """Commit every change to the store's own files (nothing else in the work tree) as one commit."""
    status = git(clone.store, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--",
                 *STORE_ENTRIES, failed=msg.git_failed).stdout
    paths = [clone.top / entry[3:] for entry in status.split("\0") if entry]
    if not paths:
        return
    subject = msg.sync_subject(len(paths))
    sha = commit(clone.top, paths, subject)
    if sha:
        say(msg.committed(sha, subject))


def _find_upstream(clone: Clone) -> None:
    branch = git(clone.top, "symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    if not branch:
        raise msg.not_on_a_branch()
    settings = git(clone.top, "config", "-z", "--get-regexp", r"^branch\.", check=False).stdout
    found = dict(entry.split("\n", 1) for entry in settings.split("\0") if "\n" in entry)
    remote, merge = found.get(f"branch.{branch}.remote"), found.get(f"branch.{branch}.merge")
    if not (remote and merge):
        raise msg.no_upstream(branch)
    clone.remote, clone.branch = remote, merge
    clone.upstream = f"{remote}/{merge.removeprefix('refs/heads/')}"


def _head(clone: Clone) -> str:
    return git(clone.top, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()


def _pull(clone: Clone, say) -> None:
    """`git pull --no-rebase`, the files both sides changed merged record by record here."""
    before = _head(clone)
    # --ff: a merge commit when the histories parted, whatever pull.ff says
    result = git(clone.top, "-c", "merge.interact.driver=false", "pull", "-q", "--no-rebase", "--no-edit", "--ff",
                 clone.remote, clone.branch, check=False)
    if result.returncode != 0:
        unmerged = _unmerged(clone)
        if not unmerged:
            raise msg.pull_failed(said(result))
        resolved, left = _merge_unmerged(clone, unmerged)
        if resolved:
            git(clone.top, "add", "--", *resolved, failed=msg.git_failed)
        if left:
            raise msg.sync_conflict([clone.store_path(path) for path in left])
        git(clone.top, "commit", "-q", "--no-edit", failed=msg.git_failed)
        say(msg.sync_merged(len(resolved)))
    after = _head(clone)
    if after != before:
        changed = git(clone.top, "diff", "--name-only", "-z", before, after, failed=msg.git_failed).stdout \
            if before else git(clone.top, "ls-files", "-z").stdout
        say(msg.sync_pulled(len([p for p in changed.split("\0") if p]), clone.upstream))


def _unmerged(clone: Clone) -> dict[str, dict[int, tuple[str, str]]]:
    """The index's unmerged paths (from the work tree's root): {path: {stage: (mode, blob)}}."""
    out = git(clone.top, "ls-files", "-u", "-z", "--full-name", failed=msg.git_failed).stdout
    stages: dict[str, dict[int, tuple[str, str]]] = {}
    for entry in filter(None, out.split("\0")):
        info, path = entry.split("\t", 1)
        mode, blob, stage = info.split()
        stages.setdefault(path, {})[int(stage)] = (mode, blob)
    return stages


def _merge_unmerged(clone: Clone, unmerged: dict) -> tuple[list[str], list[str]]:
    """Merge each file the `interact` driver (or the store's layout) covers; (merged, left)."""
    attributes = _merge_attributes(clone, list(unmerged))
    ours_and_theirs = {path: stages for path, stages in unmerged.items()
                       if 2 in stages and 3 in stages and all(mode in REGULAR_FILES for mode, _ in stages.values())
                       and (attributes.get(path) == "interact" or kind_of_path(path) is not None)}
    blobs = _read_blobs(clone, [blob for stages in ours_and_theirs.values() for _, blob in stages.values()])
    merged, left = [], [path for path in unmerged if path not in ours_and_theirs]
    results = {}
    for path, stages in ours_and_theirs.items():
        base = blobs[stages[1][1]] if 1 in stages else b""
        result = merge_texts(base, blobs[stages[2][1]], blobs[stages[3][1]], path)
        if (clone.top / path).is_symlink():  # git put a link there meanwhile: never written through
            left.append(path)
            continue
        results[clone.top / path] = result.text
        (merged if result.clean else left).append(path)
    atomic_write_all(results)
    return merged, sorted(left)


def _merge_attributes(clone: Clone, paths: list[str]) -> dict[str, str]:
    out = git(clone.top, "check-attr", "-z", "merge", "--", *paths, failed=msg.git_failed).stdout.split("\0")
    return {out[i]: out[i + 2] for i in range(0, len(out) - 2, 3)}


def _read_blobs(clone: Clone, blobs: list[str]) -> dict[str, bytes]:
    """The contents of the blobs, read by one `git cat-file --batch`."""
    import subprocess

    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    out = subprocess.run(["git", "cat-file", "--batch"], cwd=clone.top, input="\n".join(wanted).encode() + b"\n",
                         capture_output=True, check=True).stdout
    contents, at = {}, 0
    for blob in wanted:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        contents[blob] = out[header_end + 1:header_end + 1 + size]
        at = header_end + 1 + size + 1
    return contents


def _ahead(clone: Clone) -> bool:
    count = git(clone.top, "rev-list", "--count", f"{clone.remote}/{clone.branch.removeprefix('refs/heads/')}..HEAD",
                check=False).stdout.strip()
    return count != "0"


def _remote_moved(clone: Clone) -> bool:
    """Whether the remote's branch now holds commits this clone does not have."""
    fetched = git(clone.top, "fetch", "-q", clone.remote, check=False)
    count = git(clone.top, "rev-list", "--count", f"HEAD..{clone.upstream}", check=False).stdout.strip()
    return fetched.returncode == 0 and count not in ("", "0")


def _check(clone: Clone, clock: float, say) -> None:
    from .check import check

    problems = check(clone.store, clock)
    if problems:
        raise msg.sync_refused([str(problem) for problem in problems])
    say(msg.sync_checked())
