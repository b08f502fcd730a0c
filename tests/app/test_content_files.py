"""The catalogue files in force: the request path's stat-only check chooses what `catalogue_paths` chooses."""

from __future__ import annotations

import os

from digicheck.content import _files_in_force
from scoring.advice.loader import CATALOGUE_KINDS, catalogue_paths


def test_the_files_in_force_are_those_catalogue_paths_chooses_with_their_times(tmp_path) -> None:
    shipped, imported = tmp_path / "shipped", tmp_path / "imported"
    shipped.mkdir()
    imported.mkdir()
    for name in CATALOGUE_KINDS:
        (shipped / f"{name}.yaml").write_text("x")
    (imported / "funding.yaml").write_text("y")  # an imported catalogue replaces the shipped one
    (imported / "measures.yaml").mkdir()  # not a file: the shipped one stays in force
    chosen = catalogue_paths(shipped, imported)
    assert chosen["funding"] == str(imported / "funding.yaml") and chosen["measures"] == str(shipped / "measures.yaml")
    expected = tuple((path, os.stat(path).st_mtime_ns) for path in chosen.values())
    assert _files_in_force(str(shipped), str(imported)) == expected
    os.utime(imported / "funding.yaml", ns=(1, 1))  # an import seen later changes the key
    assert dict(_files_in_force(str(shipped), str(imported)))[str(imported / "funding.yaml")] == 1
    # without an instance folder for imports, the shipped files
    assert _files_in_force(str(shipped), str(tmp_path / "none")) == tuple(
        (str(shipped / f"{name}.yaml"), os.stat(shipped / f"{name}.yaml").st_mtime_ns) for name in CATALOGUE_KINDS
    )
