"""Calling /api/v1 in tests as a machine client would: JSON in and out, a Bearer token or a browser session."""

from __future__ import annotations

from typing import Any

from digicheck.assess import services as svc
from digicheck.content import questionnaire
from digicheck.extensions import db
from scoring.answers import check_answers
from tests.app.helpers import answer_for

PROBLEM = "application/problem+json"


def submitted_assessment(municipality: Any, user: Any) -> Any:
    """A round of `municipality` answered in full and submitted by `user` (its Kommune account)."""
    q = questionnaire()
    assessment = svc.start_round(municipality, user)
    svc.save_demo_answers(assessment, check_answers(q, {item.id: answer_for(item) for item in q.items}))
    assert svc.submit(assessment, user) == []
    db.session.commit()
    return assessment


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


class ApiClient:
    """A machine client: each call in its own application context, as in production (tests/conftest.py Browser)."""

    def __init__(self, browser: Any):
        self.browser = browser

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.browser._request("get", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.browser._request("post", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.browser._request("put", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.browser._request("delete", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> Any:
        return self.browser._request("options", url, **kwargs)
