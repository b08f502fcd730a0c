"""Wheel build hook: the static assets fingerprinted and pre-compressed (plotly.js is one of them).

Runs digicheck/asset_build.py (loaded by path: the build environment has hatchling, WhiteNoise
and brotli, not the application's dependencies) into a temporary folder that the wheel
carries as `digicheck/assets/`. An editable install builds nothing here: the app prepares the
same files in the checkout (digicheck/assets.py).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class AssetsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self.out: Path | None = None
        if version == "editable":
            return
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location("_digicheck_asset_build", root / "digicheck" / "asset_build.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        self.out = Path(tempfile.mkdtemp(prefix="digicheck-assets-"))
        module.build(module.sources(root / "static"), self.out)
        build_data["force_include"][str(self.out)] = "digicheck/assets"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.out is not None:
            shutil.rmtree(self.out, ignore_errors=True)
