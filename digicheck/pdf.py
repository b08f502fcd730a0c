"""PDF documents (benchmark report, briefing) rendered from HTML with WeasyPrint, in a
short-lived child process (digicheck.offload, digicheck.pdf_writer): a web worker never imports it.

WeasyPrint needs the Pango libraries of the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0). Where they are missing, the PDF routes answer 503 with a German
message instead of a traceback, and the HTML versions of the same documents still work.

Every PDF is tagged for screen readers: PDF/UA-1, with the document language and title taken
from the HTML's `<html lang>` and `<title>`. With `?archiv=1` the same document comes as
PDF/A-3u for long-term archiving, tagged as well.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Response, abort, request

from digicheck import downloads, offload, pdf_writer

UNAVAILABLE = (
    "Die PDF-Erzeugung ist auf diesem Server nicht verfügbar (WeasyPrint findet die Pango-Bibliotheken nicht). "
    "Bitte nutzen Sie die HTML-Fassung und die Druckfunktion des Browsers, oder wenden Sie sich an den Betrieb."
)


@cache
def unavailable_reason() -> str | None:
    """None when WeasyPrint can be loaded, else why not. Asked once per process, of a child:
    this process never imports WeasyPrint (digicheck.offload). For the tests and the checks that
    want to know beforehand; `render` needs no such question, its child answers PdfUnavailable."""
    return offload.call(pdf_writer.problem)


#: the query parameter that asks for the archive variant (`?archiv=1`)
ARCHIVE_PARAMETER = "archiv"


def render(html: str, base_url: str | Path | None = None, archive: bool = False) -> bytes:
    """The tagged PDF (PDF/UA-1, or PDF/A-3u for `archive`) of an HTML document whose
    `<html lang>` and `<title>` become the PDF's language and title, written by WeasyPrint in a
    child process; 503 when WeasyPrint cannot run here (the child says so: PdfUnavailable)."""
    try:
        return offload.call(pdf_writer.write_pdf, (html, str(base_url) if base_url else None, archive))
    except offload.OffloadError as failed:
        if failed.error_type == pdf_writer.PdfUnavailable.__name__:
            abort(503, description=UNAVAILABLE)
        raise


def archive_requested() -> bool:
    return request.args.get(ARCHIVE_PARAMETER, "") in ("1", "ja", "true")


def download(html: str, filename: str) -> Response:
    """The PDF as a download; `?archiv=1` gives the PDF/A-3u variant, named `….archiv.pdf`."""
    archive = archive_requested()
    if archive:
        filename = filename.removesuffix(".pdf") + ".archiv.pdf"
    return downloads.attachment(render(html, archive=archive), "application/pdf", filename)
