"""The conversation page of an assessment and its POSTs: ask, reply, edit, delete, close.

Who may do what is decided in `digicheck.access` (a loader per note, named predicates the
template shares). A failed POST shows the conversation page again with the bound form, so
nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from digicheck import logs
from digicheck.access import can_ask, can_edit_note, can_reply, can_resolve, is_consultant, load_assessment_for, load_note_for
from digicheck.consult.services import RecordError
from digicheck.content import questionnaire
from digicheck.models import Assessment, Note
from digicheck.talk import services as svc
from digicheck.talk.forms import edit_form, question_form, reply_form

bp = Blueprint("talk", __name__)

EXPIRED = "Beiträge lassen sich nur in den ersten 24 Stunden bearbeiten oder löschen; diese Frist ist abgelaufen."


@bp.get("/bewertung/<int:assessment_id>/gespraech")
@login_required
def page(assessment_id: int) -> ResponseReturnValue:
    return _page(load_assessment_for(current_user, assessment_id))


def _page(
    assessment: Assessment, failed: dict[Any, Any] | None = None, status: int = 200, message: str = "", typed: str = ""
) -> ResponseReturnValue:
    """The threads the user may see; `failed` holds a bound form with its errors after a failed POST."""
    q = questionnaire(assessment.questionnaire_version)
    failed = failed or {}
    ask = failed.get("frage") or question_form(q, formdata=None, data={"frage": request.args.get("frage", "")})
    threads = svc.threads_of(assessment, shared_only=not is_consultant(current_user))
    return render_template(
        "talk/page.html",
        assessment=assessment,
        q=q,
        threads=threads,
        ask_form=ask,
        failed=failed,
        reply_form=reply_form,
        edit_form=edit_form,
        message=message,
        typed=typed,
    ), status


def _back(note: Note) -> str:
    """After a change: the thread, where the user works with it (the consultant's assessment view or this page)."""
    root_id = note.parent_id or note.id
    if is_consultant(current_user):
        return url_for("consult.assessment", assessment_id=note.assessment_id) + f"#notiz-{root_id}"
    return url_for("talk.page", assessment_id=note.assessment_id) + f"#notiz-{root_id}"


@bp.post("/bewertung/<int:assessment_id>/gespraech")
@login_required
def ask(assessment_id: int) -> ResponseReturnValue:
    assessment = load_assessment_for(current_user, assessment_id)
    if not can_ask(current_user, assessment):
        abort(403)
    form = question_form(questionnaire(assessment.questionnaire_version))
    if not form.validate():
        return _page(assessment, {"frage": form}, 400)
    try:
        note = svc.ask(assessment, current_user, form.text.data or "", form.frage.data or None)
    except RecordError as exc:
        return _page(assessment, {"frage": form}, 400, str(exc))
    logs.audit("question_asked", assessment_id=assessment.id, note_id=note.id)
    flash("Ihre Frage ist an die Beratung gestellt.", "success")
    return redirect(_back(note))


@bp.post("/gespraech/<int:note_id>/antwort")
@login_required
def reply(note_id: int) -> ResponseReturnValue:
    root = load_note_for(current_user, note_id)
    if not can_reply(current_user, root):
        abort(403, description="Auf diesen Beitrag kann nicht geantwortet werden.")
    form = reply_form(root.id)
    if not form.validate():
        return _page(root.assessment, {("antwort", root.id): form}, 400)
    note = svc.reply(root, current_user, form.text.data or "")
    flash("Ihre Antwort ist gespeichert.", "success")
    return redirect(_back(note))


@bp.post("/gespraech/<int:note_id>/bearbeiten")
@login_required
def edit(note_id: int) -> ResponseReturnValue:
    note = load_note_for(current_user, note_id)
    form = edit_form(note.id)
    if note.author_id != current_user.id:
        abort(403, description="Bearbeiten kann nur, wer den Beitrag geschrieben hat.")
    if not can_edit_note(current_user, note):
        return _page(note.assessment, {("bearbeiten", note.id): form}, 409, EXPIRED, typed=form.text.data or "")
    if not form.validate():
        return _page(note.assessment, {("bearbeiten", note.id): form}, 400)
    svc.edit(note, form.text.data or "")
    flash("Der Beitrag ist geändert.", "success")
    return redirect(_back(note))


@bp.post("/gespraech/<int:note_id>/loeschen")
@login_required
def delete(note_id: int) -> ResponseReturnValue:
    note = load_note_for(current_user, note_id)
    if note.author_id != current_user.id:
        abort(403, description="Löschen kann nur, wer den Beitrag geschrieben hat.")
    if not can_edit_note(current_user, note):
        return _page(note.assessment, status=409, message=EXPIRED)
    svc.delete(note)
    flash("Der Beitrag ist gelöscht.", "success")
    return redirect(_back(note))


@bp.post("/gespraech/<int:note_id>/erledigt")
@login_required
def resolve(note_id: int) -> ResponseReturnValue:
    root = load_note_for(current_user, note_id)
    if not can_resolve(current_user, root):
        abort(403, description="Diese Frage ist bereits erledigt oder kann nicht geschlossen werden.")
    svc.resolve(root)
    flash("Die Frage ist als erledigt markiert.", "success")
    return redirect(_back(root))
