"""Where the application finds what it ships (read-only) and where it keeps run-time state.

Shipped files (templates, static assets) live inside the package in an installed wheel:
pyproject.toml maps the repository's top-level folders there. In a checkout they are found
beside the package. Nothing is ever written to either place: run-time state (the default
SQLite database, imported catalogues, the operator's legal texts) lives in the instance folder,
`./instance` where the app starts, or `DIGICHECK_INSTANCE_PATH`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def shipped(name: str) -> Path:
    """The shipped folder `name` (templates, static): in the package, else in the checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else CHECKOUT_DIR / name
