"""`url_for` for the templates, remembering what it built.

A page of the product builds 10-20 links (navigation, area steps, static files), and
Flask's `url_for` walks the URL map for each (a fifth of a questionnaire page's rendering
time). Within a request a link depends only on the endpoint, its values and the script
root the app is mounted under, so those are the key. Anything else goes to Flask's
`url_for` unchanged: relative endpoints ("."), the options (`_external`, `_anchor`, ...),
unhashable values, calls outside a request, and apps with `url_defaults` functions (which
could add values per request).
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask, has_request_context, request

#: distinct links kept (ids of assessments make them many); the cache starts over when full
LIMIT = 4096


def remembering_url_for(app: Flask) -> Callable[..., str]:
    build = app.url_for
    built: dict[tuple[Any, ...], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint[:1] == "." or not has_request_context() or any(app.url_default_functions.values()):
            return build(endpoint, **values)
        try:
            key = (request.script_root, endpoint, *sorted(values.items()))
            return built[key]
        except KeyError:
            pass
        except TypeError:  # unhashable values, e.g. a list for a repeated query argument
            return build(endpoint, **values)
        if any(name[:1] == "_" for name in values):
            return build(endpoint, **values)
        if len(built) >= LIMIT:
            built.clear()
        url = built[key] = build(endpoint, **values)
        return url

    return url_for


def install(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = remembering_url_for(app)
