"""Third-party browser code served from installed packages, never from a CDN."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import plotly
from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
MAX_AGE = 7 * 24 * 3600


@lru_cache(maxsize=1)
def _plotly() -> tuple[bytes, str]:
    """plotly.js read once per process (a few MB, on nearly every page): no file handle per request."""
    data = (PLOTLY_DIR / "plotly.min.js").read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


@bp.get("/plotly.min.js")
def plotly_js() -> ResponseReturnValue:
    data, etag = _plotly()
    response = Response(data, mimetype="text/javascript")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response.make_conditional(request)
