"""attach: files copied beside a record, listed by show."""

import json

from interact.attachments import attachments, safe_name
from interact.store import Store


def test_attach_copies_and_show_lists(run, demo, tmp_path):
    source = tmp_path / "Quote (v2).pdf"
    source.write_bytes(b"%PDF-1.4 quote")
    result = run.ok("attach", "h8v8", str(source))
    assert result.stdout == "attachments/h8v86t18wf/Quote (v2).pdf\n"
    assert (demo / "attachments" / "h8v86t18wf" / "Quote (v2).pdf").read_bytes() == b"%PDF-1.4 quote"
    shown = json.loads(run.ok("show", "h8v8", "--format", "json").stdout)
    assert shown["attachments"] == ["attachments/h8v86t18wf/Quote (v2).pdf"]
    assert "Quote (v2).pdf" in run.ok("show", "h8v8").stdout
    assert attachments(Store(demo), "h8v86t18wf") == [demo / "attachments" / "h8v86t18wf" / "Quote (v2).pdf"]


def test_same_file_again_is_fine_a_different_one_needs_force(run, demo, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("one")
    run.ok("attach", "h8v8", str(source))
    assert "already attached" in run.ok("attach", "h8v8", str(source)).stderr
    source.write_text("two")
    refused = run("attach", "h8v8", str(source))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert (demo / "attachments" / "h8v86t18wf" / "notes.txt").read_text() == "one"
    run.ok("attach", "h8v8", str(source), "--force")
    assert (demo / "attachments" / "h8v86t18wf" / "notes.txt").read_text() == "two"


def test_show_without_attachments_has_no_entry(run):
    assert "attachments" not in json.loads(run.ok("show", "h8v8", "--format", "json").stdout)
    assert attachments(Store(run.store), "nothing000") == []


def test_unknown_id(run, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("x")
    assert run("attach", "zzzz", str(source)).exit_code == 1


def test_safe_names():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name(".env") == "env"
    assert safe_name("a\x00b\nc.txt") == "a_b_c.txt"
    assert safe_name("C:\\Users\\me\\report.docx") == "report.docx"
    assert safe_name("..") == "attachment"
    long = safe_name("x" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 120


def test_delete_removes_the_attachments_after_saying_so(run, demo, tmp_path):
    for name in ("a.txt", "b.txt"):
        source = tmp_path / name
        source.write_text(name)
        run.ok("attach", "h8v8", str(source))
    (demo / "attachments" / "h8v86t18wf" / ".keep").write_text("")  # not an attachment: left alone
    refused = run("delete", "h8v8", input="n\n")
    assert "and its 2 attachments?" in refused.stderr and refused.exit_code == 1
    assert len(attachments(Store(demo), "h8v86t18wf")) == 2
    result = run.ok("delete", "h8v8", input="y\n")
    assert "deleted h8v86t18wf and its 2 attachments" in result.stderr
    assert attachments(Store(demo), "h8v86t18wf") == []
    assert [p.name for p in (demo / "attachments" / "h8v86t18wf").iterdir()] == [".keep"]


def test_delete_without_attachments_says_nothing_of_them(run, demo):
    result = run.ok("delete", "h8v8", "--yes")
    assert result.stderr == "deleted h8v86t18wf\n"
    assert not (demo / "attachments").exists()
