"""PDF documents (benchmark report, briefing) rendered from HTML with WeasyPrint.

WeasyPrint needs the Pango libraries of the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0). Where they are missing, the PDF routes answer 503 with a German
message instead of a traceback, and the HTML versions of the same documents still work.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import abort

UNAVAILABLE = ("Die PDF-Erzeugung ist auf diesem Server nicht verfügbar (WeasyPrint findet die Pango-Bibliotheken nicht). "
               "Bitte nutzen Sie die HTML-Fassung und die Druckfunktion des Browsers, oder wenden Sie sich an den Betrieb.")


@cache
def unavailable_reason() -> str | None:
    """None when WeasyPrint can be loaded, else why not (loaded once: Pango is linked at import)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def render(html: str, base_url: str | Path | None = None) -> bytes:
    """The PDF of an HTML document; 503 when WeasyPrint cannot run here."""
    if unavailable_reason() is not None:
        abort(503, description=UNAVAILABLE)
    from weasyprint import HTML

    return HTML(string=html, base_url=str(base_url) if base_url else None).write_pdf()  # type: ignore[no-any-return]
