"""A derived index of the record files, so that reading 100,000 of them stays fast.

The YAML files are the truth. The index (`.cache/index.sqlite`, never committed) keeps what
parsing each file gave: the record, or the problem that made the file invalid, so the same
warning is repeated without parsing it again. It is an accelerator only: deleting it changes
no output, a damaged one is rebuilt silently, and every read checks it against the files:

- `find -cnewer` (C speed; in child processes, one for each share of the folders, while this
  one reads the index; a Python walk where there is no `find`) lists every file and folder
  whose status changed (its ctime) since the last check. Writing to a file, creating,
  renaming or deleting one in a folder, chmod and utime all set the ctime to the present,
  and nothing can set it back, so an editor's save, a `git pull` or a copy that keeps old
  mtimes is always seen.
- A changed folder is listed again (names and inode numbers): files that appeared, vanished
  or were replaced are found there. Only changed and new files are parsed again; when there
  are many (the first read, a big pull), forked helpers share the parsing.
- A check starts from the file system's own clock, read just before the previous check
  began, less a margin: a change made during a check, or within the clock's granularity,
  is looked at again by the next one.

A folder's records are stored in parts, by owner and by whether they are done (for
interactions: assignee and completed), each part beside the facets of its records (for
interactions: the folded text `search` looks in, and the people): a read that wants one
user's open interactions, or those holding a word, unpickles only the parts and records
that can match (a `Narrowing`), and the caller's own filter does the rest.

Concurrency: SQLite's locking (write-ahead log) keeps the file whole; a process writes its
update only if no other process wrote since it read, and otherwise just uses its result.

The package, one module per concern; names with a leading underscore are its own, and the
rest of interact imports what is imported here. To follow a read, start at load.py.

- tree.py      what a caller hands the index (Tree, Narrowing) and the errors
- load.py      Index, the index of one store; _Load.run, one read top to bottom; Loaded
- scan.py      what changed since the last check: the clock file, `find -cnewer`
- update.py    the folders brought up to date with those changes
- parse.py     parsing new and changed files, shared with forked helpers
- folders.py   a folder as the index knows it: its records in parts, with their facets
- storage.py   the SQLite file: tables, statements, the fingerprint
- blobs.py     records pickled, and unpickled safely
- walk.py      walking the record files (also used without the index)
"""

from __future__ import annotations

from .load import Index, Loaded
from .scan import _ChangeScan  # the tests watch it
from .storage import FORMAT, INDEX_NAME, fingerprint
from .tree import EVERYTHING, IndexUnavailable, Narrowing, Tree
from .walk import RECORD_SUFFIX, is_record_name, record_files, record_names, subfolders

# The numbers that tune the index. The modules read them from here when they use them, so
# that setting one here (as the tests do) reaches all of them.
MARGIN_NS = 2_000_000_000  # covers coarse file-system clocks (2 s on FAT) and in-flight writes
FIND = "find"
FIND_FROM = 1000  # files: below this a walk in Python is quicker than starting `find`
FIND_PROCESSES = 4  # at most, and no more than there are CPUs
PARSE_APART_FROM = 2000  # files to parse: from this many, forked processes share the work
PROGRESS_FROM = 20000  # records to parse: from this many, a read shows how far it has got (on a terminal)
REBUILD_WAIT_S = 600  # how long a first read waits for another process's to finish, rather than do it too
FULL_TEXT = True  # a new index gets the full-text part when SQLite has FTS5 (the tests turn it off)
FREEZE_FROM = 10000  # records loaded: from this many, the cyclic collector leaves them out

__all__ = ["EVERYTHING", "FORMAT", "INDEX_NAME", "RECORD_SUFFIX", "Index", "IndexUnavailable", "Loaded", "Narrowing",
           "Tree", "fingerprint", "is_record_name", "record_files", "record_names", "subfolders"]
