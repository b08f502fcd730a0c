"""Third-party browser code served from installed packages, never from a CDN."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint, send_from_directory
from flask.typing import ResponseReturnValue

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"


@bp.get("/plotly.min.js")
def plotly_js() -> ResponseReturnValue:
    return send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=7 * 24 * 3600, mimetype="text/javascript")
