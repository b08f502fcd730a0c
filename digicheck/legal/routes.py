"""The public legal pages: /impressum, /datenschutz, /barrierefreiheit (digicheck/legal/texts.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue

from digicheck.legal import texts

bp = Blueprint("legal", __name__)
log = logging.getLogger(__name__)


def show(page: texts.LegalPage) -> ResponseReturnValue:
    """The page with the operator's text; a file that cannot be shown gives a German 503 (the
    visitor can do nothing about it) and an error line in the log for the operator."""
    try:
        text = texts.load(Path(current_app.instance_path), page)
    except texts.LegalTextRefused as refused:
        log.error("legal text refused: %s", refused)
        abort(
            503,
            description=f"{page.title} kann gerade nicht angezeigt werden, weil die hinterlegte Textdatei "
            f"fehlerhaft oder zu groß ist (höchstens {texts.MAX_BYTES // 1024} KB). "
            "Bitte versuchen Sie es später erneut; der Betrieb ist informiert.",
        )
    return render_template("legal/page.html", page=page, text=text)


def _view(page: texts.LegalPage) -> Callable[[], ResponseReturnValue]:
    def view() -> ResponseReturnValue:
        return show(page)

    view.__name__ = page.name
    return view


for _page in texts.PAGES:
    bp.add_url_rule(f"/{_page.name}", view_func=_view(_page), methods=["GET"])
