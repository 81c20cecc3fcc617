"""readme_ledger: the README's ledger table is replaced and its code links point at the code."""

import re
from pathlib import Path

import pytest

from systems.core import readme_ledger

LEDGER = """# Ledger: rag (profile quick, seed 0)

Verdicts: 1 reproduced, 1 not-reproduced.

| id | verdict | claim | claimed | measured | code |
|---|---|---|---|---|---|
| RAG-01 | reproduced | a | x=1 | x=1 | [claims.py:93](../../systems/rag/claims.py#L93) |
| RAG-02 | not-reproduced | b | y=2 | y=3 | [kb_run.py:7](../../systems/rag/kb_run.py#L7) |

## Why
"""

README = """# RAG

## Measured ledger

Produced by a run.

Verdicts: 2 reproduced.

| id | verdict | claim | claimed | measured |
|---|---|---|---|---|
| RAG-01 | reproduced | a | x=1 | x=1 |

After the table.
"""


def test_table_and_verdict_line_are_replaced_with_links_relative_to_the_readme(tmp_path):
    repo = tmp_path
    led = repo / "out" / "rag" / "ledger.md"  # any --out folder: links are read as reports/rag/
    readme = repo / "systems" / "rag" / "README.md"
    for p, text in ((led, LEDGER), (readme, README)):
        p.parent.mkdir(parents=True)
        p.write_text(text)
    text = readme_ledger.update(led, readme, repo)
    assert "| RAG-02 | not-reproduced | b | y=2 | y=3 | [kb_run.py:7](kb_run.py#L7) |" in text
    assert "[claims.py:93](claims.py#L93)" in text
    assert "Verdicts: 1 reproduced, 1 not-reproduced." in text and "Verdicts: 2 reproduced." not in text
    assert "| id | verdict | claim | claimed | measured | code |" in text
    assert text.endswith("After the table.\n") and "Produced by a run." in text


def test_core_links_resolve_from_another_system(tmp_path):
    row = "| X | v | [ledger.py:5](../../systems/core/ledger.py#L5) |"
    out = readme_ledger.relink(row, tmp_path / "reports" / "rag", tmp_path / "systems" / "rag")
    assert out == "| X | v | [ledger.py:5](../core/ledger.py#L5) |"


def test_a_readme_without_the_section_is_a_clear_error(tmp_path, capsys):
    led, readme = tmp_path / "ledger.md", tmp_path / "README.md"
    led.write_text(LEDGER)
    readme.write_text("# nothing here\n")
    with pytest.raises(SystemExit) as exc:
        readme_ledger.main([str(led), str(readme)])
    assert exc.value.code == 2 and "no '## Measured ledger' or '## Ledger' section" in capsys.readouterr().err
    assert readme.read_text() == "# nothing here\n", "the README is left as it was"


def test_every_system_readme_row_links_to_existing_code():
    root = Path(__file__).resolve().parents[2]
    for readme in sorted((root / "systems").glob("*/README.md")):
        for line in readme.read_text().splitlines():
            for m in readme_ledger.LINK.finditer(line if line.startswith("| ") else ""):
                if m.group(1).startswith("http"):
                    continue
                assert (readme.parent / m.group(1)).exists(), f"{readme}: {m.group(0)} points nowhere"


def test_main_writes_links_that_resolve_to_the_repository_code(tmp_path, capsys):
    root = Path(__file__).resolve().parents[2]
    led = tmp_path / "runs" / "rag" / "ledger.md"
    led.parent.mkdir(parents=True)
    led.write_text(
        LEDGER.replace(
            "[kb_run.py:7](../../systems/rag/kb_run.py#L7)", "[kb_run.py](../../systems/rag/kb_run.py)"
        )
    )
    readme = tmp_path / "doc" / "README.md"
    readme.parent.mkdir()
    readme.write_text(
        "Verdicts: before the section stays.\n\n" + README.rstrip("\n").rsplit("\n\nAfter", 1)[0] + "\n"
    )
    assert readme_ledger.main([str(led), str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("Verdicts: before the section stays.\n"), "only the section's verdict line changes"
    assert text.rstrip("\n").split("\n")[-1].startswith("| RAG-02 |"), "a table at the end of the file"
    links = [m.group(1) for m in readme_ledger.LINK.finditer(text)]
    assert [(readme.parent / p).resolve() for p in links] == [
        root / "systems" / "rag" / "claims.py",
        root / "systems" / "rag" / "kb_run.py",
    ]
    assert "#L93)" in text and "kb_run.py)" in text, "an anchor is kept, and none is invented"
    with pytest.raises(SystemExit):
        readme_ledger.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m systems.core.readme_ledger") and "a run's ledger.md" in out
    assert "the system's README.md" in out


def test_a_section_without_a_table_is_named():
    with pytest.raises(ValueError, match=r"^no table starting with '\| id \| verdict' found$"):
        readme_ledger._table(["## Measured ledger", "", "text"], 0)


def _files(tmp_path, ledger, readme):
    led = tmp_path / "out" / "rag" / "ledger.md"
    doc = tmp_path / "systems" / "rag" / "README.md"
    for p, text in ((led, ledger), (doc, readme)):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return led, doc


def test_only_the_table_of_the_ledger_section_is_replaced_and_the_rest_is_kept_line_for_line(tmp_path):
    readme = (
        "# RAG\n\n| id | verdict | of another table |\n|---|---|---|\n\n"  # before the section: untouched
        + README
    )
    led, doc = _files(tmp_path, LEDGER, readme)
    expected = readme.replace("Verdicts: 2 reproduced.", "Verdicts: 1 reproduced, 1 not-reproduced.").replace(
        "| id | verdict | claim | claimed | measured |\n|---|---|---|---|---|\n| RAG-01 | reproduced | a | x=1 | x=1 |\n",
        "| id | verdict | claim | claimed | measured | code |\n|---|---|---|---|---|---|\n"
        "| RAG-01 | reproduced | a | x=1 | x=1 | [claims.py:93](claims.py#L93) |\n"
        "| RAG-02 | not-reproduced | b | y=2 | y=3 | [kb_run.py:7](kb_run.py#L7) |\n",
    )
    assert readme_ledger.update(led, doc, tmp_path) == expected


def test_links_to_report_files_point_into_reports_of_the_system(tmp_path):
    # a link relative to the ledger (an evidence file next to it) is read as reports/rag/roc.png
    ledger = LEDGER.replace("[claims.py:93](../../systems/rag/claims.py#L93)", "[roc.png](roc.png)")
    led, doc = _files(tmp_path, ledger, README)
    assert "| RAG-01 | reproduced | a | x=1 | x=1 | [roc.png](../../reports/rag/roc.png) |" in (
        readme_ledger.update(led, doc, tmp_path)
    )


def test_a_ledger_that_is_only_a_table_and_has_no_verdict_line(tmp_path):
    table = "| id | verdict | claim |\n|---|---|---|\n| RAG-09 | reproduced | z |\n"
    led, doc = _files(tmp_path, table, README)
    text = readme_ledger.update(led, doc, tmp_path)
    assert "| RAG-09 | reproduced | z |" in text and "| RAG-01 |" not in text
    assert "Verdicts: 2 reproduced." in text, "no verdict line in the ledger: the README's is kept"


def test_help_describes_the_tool_and_its_arguments(capsys):
    with pytest.raises(SystemExit):
        readme_ledger.main(["--help"])
    out = capsys.readouterr().out
    assert "Copy a run's ledger table into a system README" in out, "the module docstring"
    # argparse's two-column lines: "  name    help"
    assert re.search(r"^  ledger +a run's ledger\.md \(reports/<system>/ledger\.md\)$", out, re.M)
    assert re.search(r"^  readme +the system's README\.md$", out, re.M)
