"""WeasyPrint's part of digicheck.pdf, run in a child process by digicheck.offload (no Flask here).

`write_pdf` raises PdfUnavailable when WeasyPrint or the Pango libraries it links at import
cannot be loaded, so that the app answers 503 with its German message.
"""

from __future__ import annotations

import warnings

#: accessible (tagged) by default; the archive variant is tagged too
ACCESSIBLE = {"pdf_variant": "pdf/ua-1"}
ARCHIVE = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}


class PdfUnavailable(Exception):
    """WeasyPrint cannot be loaded here."""


def problem() -> str | None:
    """None when WeasyPrint can be loaded, else why not."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def write_pdf(html: str, base_url: str | None, archive: bool) -> bytes:
    """The tagged PDF (PDF/UA-1, or PDF/A-3u for `archive`) of an HTML document."""
    reason = problem()
    if reason is not None:
        raise PdfUnavailable(reason)
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url)
    with warnings.catch_warnings():
        # WeasyPrint (70) opens its sRGB profile for PDF/A's output intent and leaves closing it
        # to the garbage collector; nothing of ours leaks, so this one warning is dropped
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r"unclosed file .*sRGB2014\.icc")
        return bytes(document.write_pdf(**(ARCHIVE if archive else ACCESSIBLE)))
