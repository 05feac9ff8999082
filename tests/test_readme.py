"""The README's usage blocks, run as a new user would paste them: an example can never fail as written.

The convention (README.md, "Contributing: the README is tested", says the same for writers):

- Every fenced block whose info string is exactly `sh` or `console` runs, in the README's
  order, in ONE bash shell, so a block may use what an earlier one made (a store, a variable,
  the folder it went into). Any other fence (`text`, `yaml`, `crontab`, none) is not run: use
  one, sparingly, for what cannot run as pasted (installing from a clone, cron lines, config
  files, completion setup, keys to press).
- The shell starts in an empty folder, `~/work`. HOME is a fresh folder holding a copy of the
  repository at `~/interact` (where blocks that use the demo store go, `cd ~/interact`), a git
  identity (~/.gitconfig) and nothing else. PATH starts with this repository's .venv/bin.
  TZ=Europe/London, INTERACT_USER=alice and INTERACT_NOW=2026-11-25T10:00 (a Wednesday) are
  set, NO_COLOR=1, PYTHONUNBUFFERED=1 (stdout and stderr interleave as on a terminal), EDITOR
  adds a line to the file it is given, and stdin is empty.
- A command is a line; a line ending in `\\` goes on with the next, and a here-document
  (`<<'EOF'`) runs to its end marker. Blank lines and lines that are only a comment are skipped.
- In a `sh` block every command must exit 0; its output is not compared.
- In a `console` block, lines starting with `$ ` are commands and the lines after one, up to
  the next `$ `, are its expected output: stdout and stderr together, compared line by line
  (trailing white space and trailing blank lines ignored). A line `...` stands for any number
  of lines, and `...` within a line for any text (an id, a time). A command whose expected
  output has a line starting with `Usage:` must exit 2 (click's usage errors), else one with a
  line starting with `Error:` must exit 1; any other must exit 0.

A failure names the block (its number among the run blocks and its line in README.md), the
command's line, what was expected and what came, and, for a command that failed, its output.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from conftest import REPO

RUN_FENCES = ("sh", "console")
NOW = "2026-11-25T10:00"
_FENCE = re.compile(r"^(?P<indent>\s*)```(?P<info>.*)$")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)\1")


@dataclass
class Step:
    block: int              # its block's number among the blocks that run, from 1
    fence: str              # sh or console
    block_line: int         # the line of the block's fence in README.md
    line: int               # the line of the command in README.md
    command: str
    expected: list[str] | None = None   # console: the expected output lines
    exit_code: int = 0


@dataclass
class Block:
    fence: str
    line: int               # the line of its opening fence
    lines: list[tuple[int, str]] = field(default_factory=list)  # (README line, text without the indent)


def blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text that run, in order."""
    found, current, indent = [], None, ""
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if current is None:
            if fence:
                current, indent = Block(fence["info"].strip(), number), fence["indent"]
        elif fence and fence["info"].strip() == "" and fence["indent"] == indent:
            if current.fence in RUN_FENCES:
                found.append(current)
            current = None
        else:
            current.lines.append((number, line[len(indent):] if line.startswith(indent) else line.lstrip()))
    return found


def _take_command(lines: list[tuple[int, str]], at: int, first: str) -> tuple[str, int]:
    """The whole command starting with `first` (the text of lines[at]): continuation lines and
    here-documents joined. Returns it and the index of the line after it."""
    parts, at = [first], at + 1
    while parts[-1].endswith("\\") and at < len(lines):
        parts.append(lines[at][1].removeprefix("> "))
        at += 1
    for heredoc in _HEREDOC.finditer("\n".join(parts)):
        while at < len(lines):
            parts.append(lines[at][1])
            at += 1
            if parts[-1].strip() == heredoc["word"]:
                break
    return "\n".join(parts), at


def steps(text: str) -> list[Step]:
    found = []
    for number, block in enumerate(blocks(text), start=1):
        lines, at = block.lines, 0
        while at < len(lines):
            readme_line, line = lines[at]
            if block.fence == "sh":
                if not line.strip() or line.lstrip().startswith("#"):
                    at += 1
                    continue
                command, at = _take_command(lines, at, line)
                found.append(Step(number, "sh", block.line, readme_line, command))
                continue
            if not line.startswith("$ "):
                raise AssertionError(f"README.md block {number} (```console at line {block.line}), line "
                                     f"{readme_line}: output before any `$ ` command: {line!r}")
            command, at = _take_command(lines, at, line[2:])
            expected = []
            while at < len(lines) and not lines[at][1].startswith("$ "):
                expected.append(lines[at][1].rstrip())
                at += 1
            while expected and not expected[-1]:
                expected.pop()
            code = 2 if any(out.startswith("Usage:") for out in expected) else \
                1 if any(out.startswith("Error:") for out in expected) else 0
            found.append(Step(number, "console", block.line, readme_line, command, expected, code))
    return found


def matches(expected: list[str], got: list[str]) -> bool:
    """Whether `got` is `expected`, where a line `...` stands for any number of lines and
    `...` within a line for any text."""
    pieces = [list(group) for group in _split(expected)]
    if len(pieces) == 1:
        return _same(pieces[0], got)
    head, *middle, tail = pieces
    if len(got) < len(head) + len(tail) or not _same(head, got[: len(head)]) or \
            not _same(tail, got[len(got) - len(tail):]):
        return False
    at, end = len(head), len(got) - len(tail)
    for piece in middle:
        while at + len(piece) <= end and not _same(piece, got[at: at + len(piece)]):
            at += 1
        if at + len(piece) > end:
            return False
        at += len(piece)
    return True


def _same(expected: list[str], got: list[str]) -> bool:
    return len(expected) == len(got) and all(map(_line_matches, expected, got))


def _line_matches(expected: str, got: str) -> bool:
    if "..." not in expected:
        return expected == got
    return re.fullmatch(".*".join(map(re.escape, expected.split("..."))), got) is not None


def _split(lines: list[str]):
    group = []
    for line in lines:
        if line == "...":
            yield group
            group = []
        else:
            group.append(line)
    yield group


def script(all_steps: list[Step], out: Path) -> str:
    """One bash script running every step in the same shell: each one's output and exit code go
    to files; it stops at the first exit code that is not the one expected."""
    body = ["cd ~/work"]
    for n, step in enumerate(all_steps):
        body += ["{ " + step.command, f"}} > {out}/{n}.out 2>&1 < /dev/null",
                 f"echo $? > {out}/{n}.rc", f"[ \"$(cat {out}/{n}.rc)\" = {step.exit_code} ] || exit 97"]
    return "\n".join(body) + "\n"


def where(step: Step) -> str:
    return (f"README.md block {step.block} (```{step.fence} at line {step.block_line}), "
            f"line {step.line}: `{step.command.splitlines()[0]}`")


def home_for_readme(tmp_path: Path) -> tuple[Path, dict]:
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    shutil.copytree(REPO, home / "interact", symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", ".cache", "__pycache__", "*.egg-info", ".pytest_cache"))
    (home / ".gitconfig").write_text("[user]\n\tname = Alice\n\temail = alice@example.com\n"
                                     "[init]\n\tdefaultBranch = main\n")
    env = {
        "HOME": str(home), "PATH": f"{REPO / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "TZ": "Europe/London", "INTERACT_USER": "alice", "INTERACT_NOW": NOW, "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1", "LANG": "C.UTF-8", "COLUMNS": "100",
        "XDG_CONFIG_HOME": str(home / ".config"), "EDITOR": "sed -i '1i Discussed the renewal'",
    }
    return home, env


def test_the_readme_runs_as_written(tmp_path):
    all_steps = steps((REPO / "README.md").read_text())
    assert len(all_steps) > 50, "the README's usage blocks were not found"
    home, env = home_for_readme(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "readme.sh").write_text(script(all_steps, out))
    done = subprocess.run(["bash", str(tmp_path / "readme.sh")], cwd=home, env=env, capture_output=True,
                          text=True, timeout=600)
    for n, step in enumerate(all_steps):
        rc_file = out / f"{n}.rc"
        assert rc_file.exists(), f"{where(all_steps[n - 1])} stopped the shell: {done.stderr}"
        got = (out / f"{n}.out").read_text(errors="replace")
        code = int(rc_file.read_text())
        if code != step.exit_code:
            raise AssertionError(f"{where(step)} exited {code}, not {step.exit_code}; its output:\n{got}")
        if step.expected is not None:
            lines = [line.rstrip() for line in got.splitlines()]
            while lines and not lines[-1]:
                lines.pop()
            if not matches(step.expected, lines):
                diff = "\n".join(difflib.unified_diff(step.expected, lines, "README", "got", lineterm=""))
                raise AssertionError(f"{where(step)} printed something else than the README shows:\n{diff}")


# --- the runner's own rules ------------------------------------------------------------

README_SAMPLE = '''
Text.

```sh
interact init     # a comment
# a comment line
interact contact add "Jane Doe" \\
  --email jane@example.com
cat > notes.txt <<'EOF'
one
EOF
```

```text
not run
```

  ```console
  $ interact list
  id  status
  ...
  $ interact show nope
  Error: no interaction
  $ interact lst
  Usage: interact [OPTIONS] COMMAND [ARGS]...
  Error: No such command 'lst'.
  ```
'''


def test_the_runner_reads_commands_outputs_and_exit_codes():
    found = steps(README_SAMPLE)
    assert [(s.block, s.fence, s.line, s.command) for s in found] == [
        (1, "sh", 5, "interact init     # a comment"),
        (1, "sh", 7, 'interact contact add "Jane Doe" \\\n  --email jane@example.com'),
        (1, "sh", 9, "cat > notes.txt <<'EOF'\none\nEOF"),
        (2, "console", 19, "interact list"),
        (2, "console", 22, "interact show nope"),
        (2, "console", 24, "interact lst"),
    ]
    assert found[3].expected == ["id  status", "..."] and found[3].exit_code == 0
    assert found[4].expected == ["Error: no interaction"] and found[4].exit_code == 1
    assert found[5].exit_code == 2


def test_dots_stand_for_any_lines_or_any_text_in_a_line():
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"]) and matches(["a", "...", "z"], ["a", "z"])
    assert matches(["...", "m", "..."], ["a", "m", "z"]) and not matches(["...", "m", "..."], ["a", "z"])
    assert not matches(["a", "...", "z"], ["a", "b"]) and not matches(["a", "b"], ["a", "b", "c"])
    assert matches(["Error: 7kq2... is done", "x"], ["Error: 7kq2m9xd4t is done", "x"])
    assert not matches(["Error: ... is done"], ["Error: 7kq2 was done"]) and not matches(["a.b"], ["axb"])
