"""The installed package carries its ontology, data, shapes and queries and works outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kgserver import bundle

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel once (hatchling, no isolation: the build backend is a test dependency)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheels = list(out.glob("kgserver-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.parametrize("part", bundle.PARTS)
def test_wheel_ships_every_bundled_file(wheel, part):
    names = set(zipfile.ZipFile(wheel).namelist())
    source_files = [p for p in (ROOT / part).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert source_files, f"{part}/ holds no files"
    for path in source_files:
        assert f"kgserver/_bundle/{path.relative_to(ROOT).as_posix()}" in names


def test_installed_wheel_finds_its_bundle_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import kgserver.bundle as b; "
        "print(b.bundle_root()); print(b.ontology_file().is_file()); print(len(b.rdf_files('data', recursive=True)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    root, has_ontology, n_data = result.stdout.split()
    assert Path(root) == target / "kgserver" / "_bundle"
    assert has_ontology == "True"
    assert int(n_data) == len(bundle.rdf_files("data", recursive=True)) > 0
