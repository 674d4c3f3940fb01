"""The wheel ships the prompts, py.typed and package data the library loads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_contains_prompts_and_py_typed(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    wheel = next(tmp_path.glob("diplo_extract-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in (ROOT / "prompts").glob("*.toml"):
        assert f"diplo_extract/prompts/{prompt.name}" in names
    assert "diplo_extract/py.typed" in names
    assert "diplo_extract/text/country_aliases.json" in names
    assert any(name.startswith("diplo_extract/outputs/report_assets/") for name in names)
