"""The floors of the house: import-linter's contracts (pyproject.toml) hold, and a call is only the call."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> list[str]:
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return [executable, "--no-cache"]


def test_import_contracts_are_kept():
    result = subprocess.run(_lint_imports(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_of_calls_mentions_judging_or_its_tables():
    from portal.extensions import db
    from portal.judging import models as judging_models  # noqa: F401 - registers judging's tables

    judging_tables = {
        mapper.local_table.name for mapper in db.Model.registry.mappers
        if mapper.class_.__module__ == "portal.judging.models"
    }
    assert {"rounds", "score_sheets", "awards"} <= judging_tables
    # (The call's own state 评审中 is spelled "judging" too: what is looked for is judging's package.)
    pattern = re.compile(r"[\"'](%s)[\"']|\.judging\b" % "|".join(sorted(judging_tables)))
    found = [f"{path.name}: {match.group(0)}" for path in sorted((ROOT / "portal" / "calls").glob("*.py"))
             for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
