"""The build step for static assets: each file under a fingerprinted name, with `.br` and `.gz`.

A name carries the file's content hash (`css/app.1f2e3d4c5b6a.css`), so browsers may keep it a
year without asking again. Compression runs once, here (WhiteNoise's compressor: brotli quality
11, gzip level 9, a variant only where it saves space), never per request. The output folder
holds `manifest.json` (name -> fingerprinted name) and `static/` (exactly the files the manifest
names; older fingerprints are removed, so they are never served).

plotly.js is one of the static files: `vendor/plotly-digicheck.min.js`, a partial bundle built
by vendor/plotly/build.sh and committed (only the benchmark report loads it).

Used by the wheel's build hook (hatch_build.py, in the build environment: this module needs
only the standard library, WhiteNoise and brotli) and, in a checkout, by digicheck/assets.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from whitenoise.compress import Compressor

MANIFEST = "manifest.json"
FILES = "static"
COMPRESSED = (".br", ".gz")


def sources(static_dir: Path) -> dict[str, Path]:
    """The files to serve by their names under the static folder."""
    return {
        path.relative_to(static_dir).as_posix(): path
        for path in sorted(static_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".") and path.suffix not in COMPRESSED
    }


def fingerprinted(name: str, digest: str) -> str:
    """`css/app.css` -> `css/app.<digest>.css`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def digest_of(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def build(files: Mapping[str, Path], out: Path) -> dict[str, str]:
    """Write `files` fingerprinted and compressed into `out`; return the manifest.

    A fingerprinted file already there is kept (same name, same content), so a second run
    costs one hash per file. Every file lands by an atomic rename, its variants first: processes
    building the same folder at once never see half a file.
    """
    served = out / FILES
    manifest = {name: fingerprinted(name, digest_of(source)) for name, source in files.items()}
    missing = {name: source for name, source in files.items() if not (served / manifest[name]).is_file()}
    out.mkdir(parents=True, exist_ok=True)
    if missing:
        _write(missing, manifest, served, out)
    _remove_all_but(served, set(manifest.values()))
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    if not (out / MANIFEST).is_file() or (out / MANIFEST).read_text(encoding="utf-8") != text:
        staged_manifest = out / f".{MANIFEST}.{os.getpid()}"
        staged_manifest.write_text(text, encoding="utf-8")
        os.replace(staged_manifest, out / MANIFEST)
    return manifest


def _write(files: Mapping[str, Path], manifest: Mapping[str, str], served: Path, out: Path) -> None:
    """Compress each file in a private work folder, then rename it into place, variants first."""
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=out))
    try:
        compressor = Compressor(quiet=True)
        for name, source in files.items():
            target = served / manifest[name]
            staged = work / target.name
            shutil.copyfile(source, staged)
            if compressor.should_compress(staged.name):
                compressor.compress(str(staged))
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in (*COMPRESSED, ""):
                variant = staged.with_name(staged.name + suffix)
                if variant.is_file():
                    os.replace(variant, target.with_name(target.name + suffix))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remove_all_but(served: Path, keep: set[str]) -> None:
    """Older fingerprints go: a page of an older build must get 404, not stale content as immutable."""
    for path in served.rglob("*"):
        name = path.relative_to(served).as_posix()
        if path.suffix in COMPRESSED:
            name = name[: -len(path.suffix)]
        if path.is_file() and name not in keep:
            path.unlink(missing_ok=True)
