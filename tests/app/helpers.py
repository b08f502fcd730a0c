"""Form data for area pages, built from the questionnaire as a browser would send it."""

from __future__ import annotations

import csv
import html
import io
import re
import threading
from collections.abc import Callable
from typing import Any

from digicheck.assess.forms import NUMBER_SPECIAL, VERSION_PREFIX, field_name
from scoring import Library

Q = Library.load().latest
VERSION_FIELD = re.compile(r'name="(v-[^"]+)" type="hidden" value="(\d+)"|type="hidden" name="(v-[^"]+)" value="(\d+)"')


def answer_for(item: Any, strength: str = "mid") -> Any:
    if item.type == "number":
        return item.bands[1].min if strength == "mid" else item.bands[-1].min
    if item.type == "multi":
        plain = [o.id for o in item.options if not o.exclusive]
        return plain[:1] if strength == "mid" else plain
    ranked = item.ranked_options
    return ranked[len(ranked) // 2].id if strength == "mid" else ranked[-1].id


def area_answers(area_id: str, strength: str = "mid") -> dict[str, Any]:
    return {item.id: answer_for(item, strength) for item in Q.area(area_id).items}


def form_data(answers: dict[str, Any], versions: dict[str, str] | None = None, action: str = "speichern") -> dict[str, Any]:
    """The POST body of an area page for these answers (item id -> value)."""
    data: dict[str, Any] = {"action": action}
    for item_id, value in answers.items():
        item = Q.item(item_id)
        name = field_name(item_id)
        data[VERSION_PREFIX + name] = (versions or {}).get(VERSION_PREFIX + name, "0")
        if item.type == "number":
            if value in ("weiss_nicht", "trifft_nicht_zu"):
                data[name + NUMBER_SPECIAL] = value
            else:
                data[name] = str(value)
        else:
            data[name] = value
    return data


def _attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else None


def page_form(page: str, action: str = "speichern") -> dict[str, list[str]]:
    """What a browser sends for the questionnaire form of an area page as it stands: hidden fields
    (versions, loaded answers), typed text, checked radio buttons and checkboxes."""
    form = page[page.index('id="fragebogen"') :]
    data: dict[str, list[str]] = {"action": [action]}
    for tag in INPUT.findall(form[: form.index("</form>")]):
        name, kind = _attribute(tag, "name"), _attribute(tag, "type")
        if not name or name in ("csrf_token", "action"):
            continue
        if kind in ("radio", "checkbox") and not re.search(r"\schecked[\s>]", tag):
            continue
        data.setdefault(name, []).append(_attribute(tag, "value") or "")
    for tag, text in TEXTAREA.findall(form[: form.index("</form>")]):
        name = _attribute(tag, "name")
        if name:
            data[name] = [html.unescape(text)]
    return data


def versions_on(page: str) -> dict[str, str]:
    found = {}
    for match in VERSION_FIELD.finditer(page):
        name = match.group(1) or match.group(3)
        found[name] = match.group(2) or match.group(4)
    return found


INPUT = re.compile(r"<input[^>]*>")
TEXTAREA = re.compile(r"(<textarea[^>]*>)(.*?)</textarea>", re.S)


def checked_values(page: str, name: str) -> list[str]:
    """Values of the checked radio buttons / checkboxes called `name`, as the browser shows them."""
    values = []
    for tag in INPUT.findall(page):
        if f'name="{name}"' in tag and " checked" in tag:
            match = re.search(r'value="([^"]*)"', tag)
            values.append(match.group(1) if match else "")
    return values


def input_value(page: str, name: str) -> str | None:
    """The value of the text input called `name`."""
    for tag in INPUT.findall(page):
        if f'name="{name}"' in tag and 'type="text"' in tag:
            match = re.search(r'value="([^"]*)"', tag)
            return match.group(1) if match else ""
    return None


def german_csv(body: bytes) -> list[list[str]]:
    """A CSV read as German Excel reads it: it must start with the UTF-8 BOM and put `;` between fields."""
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads umlauts right"
    text = body.decode("utf-8-sig")
    assert ";" in text.split("\r\n", 1)[0], "fields separated by ';', as German Excel expects"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def german_csv_rows(body: bytes) -> list[dict[str, str]]:
    """The rows of a German CSV keyed by its header row."""
    header, *rows = german_csv(body)
    return [dict(zip(header, row, strict=True)) for row in rows]


SERIES = re.compile(r'<g class="series" data-series="([^"]*)">(.*?)</g>', re.S)
MARKER_TITLE = re.compile(r"<title>(.*?)</title>")


def drawn_radar(page: str, areas: list[str] | None = None) -> dict[str, list[float | None]]:
    """What the server-drawn radar (id="radar") shows, as a reader hovering the markers sees it:
    series name -> level per area in `areas` order (default: the questionnaire's), None for a gap."""
    names = areas or [a.name for a in Q.areas]
    svg = page.split('<svg id="radar"', 1)[1].split("</svg>", 1)[0]
    drawn: dict[str, list[float | None]] = {}
    for series, body in SERIES.findall(svg):
        name = html.unescape(series)
        values: dict[str, float] = {}
        for title in MARKER_TITLE.findall(body):
            area, level = html.unescape(title).removeprefix(f"{name} – ").rsplit(": Stufe ", 1)
            values[area] = float(level.replace(",", "."))
        drawn[name] = [values.get(area) for area in names]
    return drawn


def run_at_once(app: Any, works: dict[str, Callable[[], None]]) -> None:
    """Each work in a thread of its own (named by its key) with its own app context and session,
    committed there; waits for all and fails with what any of them raised (concurrency tests, PostgreSQL)."""
    from digicheck.extensions import db

    errors: list[BaseException] = []

    def in_thread(work: Callable[[], None]) -> None:
        try:
            with app.app_context():
                work()
                db.session.commit()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=in_thread, args=(work,), name=name) for name, work in works.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


def restricted_to_chosen_municipalities(statement: str) -> bool:
    """The SQL reads only the municipalities it was given, as one parameter (`digicheck.extensions.one_of`):
    a JSON array on SQLite, an array on PostgreSQL."""
    return re.search(r"municipalities\.id (IN \(SELECT \w+\.value\s+FROM json_each\(|= ANY \()", statement) is not None
