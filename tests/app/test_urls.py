"""The templates' remembering url_for builds exactly the links Flask's url_for builds."""

from __future__ import annotations

import re

import pytest
from flask import url_for as flask_url_for

from digicheck.urls import remembering_url_for

CALLS = [
    ("assess.home", {}),
    ("static", {"filename": "css/app.css"}),
    ("assess.area", {"assessment_id": 7, "area_id": "strategie"}),
    ("assess.area", {"assessment_id": 8, "area_id": "strategie"}),
    ("assess.result", {"assessment_id": 7}),
    ("assess.home", {"_anchor": "runden"}),
    ("assess.home", {"_external": True}),
    ("assess.result", {"assessment_id": 7, "tab": "tabelle"}),
    ("assess.result", {"assessment_id": 7, "overlay": ["giessen", "erbach"]}),
]


@pytest.mark.parametrize("script_root", ["", "/digicheck"])
def test_same_links_as_flask(app, script_root: str) -> None:
    url_for = remembering_url_for(app)
    with app.test_request_context("/", base_url="http://localhost" + script_root):
        for _ in range(2):  # the second round is answered from what was remembered
            for endpoint, values in CALLS:
                assert url_for(endpoint, **values) == flask_url_for(endpoint, **values)
        assert url_for("assess.home").startswith(script_root + "/")


def test_mount_point_is_part_of_the_key(app) -> None:
    url_for = remembering_url_for(app)
    with app.test_request_context("/"):
        assert url_for("assess.result", assessment_id=3) == "/bewertung/3/ergebnis"
    with app.test_request_context("/", base_url="http://localhost/digicheck"):
        assert url_for("assess.result", assessment_id=3) == "/digicheck/bewertung/3/ergebnis"


def test_outside_a_request_flask_decides(app) -> None:
    url_for = remembering_url_for(app)
    app.config["SERVER_NAME"] = "digicheck.example"
    try:
        with app.app_context():
            assert url_for("assess.home") == flask_url_for("assess.home") == "http://digicheck.example/"
    finally:
        app.config["SERVER_NAME"] = None


def test_unknown_endpoint_still_fails(app) -> None:
    from werkzeug.routing import BuildError

    url_for = remembering_url_for(app)
    with app.test_request_context("/"), pytest.raises(BuildError):
        url_for("assess.nicht_vorhanden")


def test_pages_link_under_the_mount_point(browser, world) -> None:
    """A page rendered under a prefix links there, also after the same page was rendered without it."""
    browser.login(world.kommune)
    plain = browser.get("/").get_data(as_text=True)
    mounted = browser.get("/", base_url="http://localhost/digicheck").get_data(as_text=True)
    assert re.search(r'href="/static/css/app\.[0-9a-f]{12}\.css"', plain)
    assert re.search(r'href="/digicheck/static/css/app\.[0-9a-f]{12}\.css"', mounted)
    assert not re.search(r'href="/(?!digicheck/)[^"]*"', mounted)
