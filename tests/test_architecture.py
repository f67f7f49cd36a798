"""The import contracts of pyproject.toml hold: checks are pure, only auditor.tui imports textual."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOUD_SDKS = ("boto3", "botocore", "moto", "azure", "google", "textual")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_check_module_imports_a_cloud_sdk_or_textual():
    offenders = []
    for path in (ROOT / "checks").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in CLOUD_SDKS or name.startswith(
                ("auditor.providers", "auditor.emulators")
            ):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_only_the_tui_imports_textual():
    offenders = []
    for package in ("auditor", "checks", "quiz", "reports"):
        for path in (ROOT / package).rglob("*.py"):
            if "tui" in path.relative_to(ROOT).parts:
                continue
            if any(name.split(".")[0] == "textual" for name in _imports(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
