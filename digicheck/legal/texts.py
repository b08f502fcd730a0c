"""The legal pages a German public website must have: Impressum, Datenschutzerklärung and
Erklärung zur Barrierefreiheit (BITV 2.0).

Their text is the operator's: Markdown files in the instance folder (`legal/impressum.md`,
`legal/datenschutz.md`, `legal/barrierefreiheit.md`). Where a file is missing, the German
template shipped in `digicheck/legal/defaults/` is shown; the templates mark every place the
operator must fill in with `[BETREIBER: …]`, and while such a mark is shown, `/readyz` and
`digicheck config check` say so. Markdown is rendered without raw HTML and the result is
sanitised against a small allow-list, so a file can never bring scripts or styles into a page.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scoring.safe_yaml import YamlRefused, decode_utf8, read_limited

#: the largest legal text read (a real Datenschutzerklärung is far below 50 KB)
MAX_BYTES = 200 * 1024
#: what marks a place in a template that the operator must fill in
PLACEHOLDER = "[BETREIBER:"
DEFAULTS = Path(__file__).resolve().parent / "defaults"

#: what the sanitised HTML may contain: text structure, links, tables; no images, forms, styles
ALLOWED_TAGS = frozenset(
    {
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "a",
        "abbr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "s",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"https", "http", "mailto", "tel"})


@dataclass(frozen=True)
class LegalPage:
    name: str  # URL path, endpoint and file name
    title: str


IMPRESSUM = LegalPage("impressum", "Impressum")
DATENSCHUTZ = LegalPage("datenschutz", "Datenschutzerklärung")
BARRIEREFREIHEIT = LegalPage("barrierefreiheit", "Erklärung zur Barrierefreiheit")
PAGES = (IMPRESSUM, DATENSCHUTZ, BARRIEREFREIHEIT)


class LegalTextRefused(Exception):
    """The operator's file cannot be shown; the message is one German line naming the file."""


@dataclass(frozen=True)
class LegalText:
    page: LegalPage
    markdown: str
    from_operator: bool  # False: the shipped template

    @property
    def has_placeholders(self) -> bool:
        return PLACEHOLDER in self.markdown

    @property
    def html(self) -> str:
        return render_markdown(self.markdown)


def operator_file(instance: Path, page: LegalPage) -> Path:
    return Path(instance) / "legal" / f"{page.name}.md"


def load(instance: Path, page: LegalPage) -> LegalText:
    """The operator's text for `page`, else the shipped template; LegalTextRefused for a file
    that is there but too large, not a regular file, unreadable or not UTF-8."""
    path = operator_file(instance, page)
    if not path.exists() and not path.is_symlink():
        return LegalText(page, (DEFAULTS / f"{page.name}.md").read_text(encoding="utf-8"), from_operator=False)
    try:
        return LegalText(page, decode_utf8(read_limited(path, MAX_BYTES)), from_operator=True)
    except YamlRefused as refused:  # the one safe reader of the house: regular file, size limit, strict UTF-8
        raise LegalTextRefused(f"{page.title}: {path}: {refused}") from None


@lru_cache(maxsize=8)
def render_markdown(text: str) -> str:
    """Safe HTML for a legal text. Raw HTML in the Markdown stays text; headings move one level
    down, because the page's own title is its only <h1>."""
    import nh3
    from markdown_it import MarkdownIt

    parser = MarkdownIt("js-default")  # CommonMark with tables, raw HTML off
    tokens = parser.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True)
class Note:
    """Something the operator should still do about one legal text."""

    page: LegalPage
    problem: str  # a short German phrase, safe to show to anyone (no paths)
    detail: str  # for the operator: with the file and what to do

    @property
    def short(self) -> str:
        return f"{self.page.title}: {self.problem}"


def notes(instance: Path) -> list[Note]:
    """Templates still shown, marks not filled in, files that cannot be shown (for `/readyz`,
    which shows `short`, and `digicheck config check`, which shows `detail`)."""
    found = []
    for page in PAGES:
        path = operator_file(instance, page)
        try:
            text = load(instance, page)
        except LegalTextRefused as refused:
            found.append(Note(page, "Datei kann nicht angezeigt werden", f"{refused}; die Seite zeigt stattdessen eine Fehlermeldung"))
            continue
        if not text.from_operator:
            found.append(
                Note(
                    page,
                    "Platzhalter nicht ersetzt (mitgelieferte Vorlage)",
                    f"{page.title}: es gilt die mitgelieferte Vorlage mit Platzhaltern; "
                    f"eigene Fassung als {path} anlegen (digicheck legal init)",
                )
            )
        elif text.has_placeholders:
            found.append(Note(page, "Platzhalter nicht ersetzt", f"{page.title}: {path} enthält noch Platzhalter {PLACEHOLDER} …]"))
    return found


def copy_templates(instance: Path) -> list[Path]:
    """Copy the shipped templates into the instance folder where no operator file exists yet;
    the files written (an existing file is never overwritten)."""
    written = []
    for page in PAGES:
        target = operator_file(instance, page)
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULTS / f"{page.name}.md", target)
        written.append(target)
    return written
