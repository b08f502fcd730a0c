"""Demo data: real Hessian municipalities, one account per role, synthetic assessments.

The municipalities are read from the official register (Destatis GV100AD) in
../shared/data, or the file named by DIGICHECK_REGISTER_FILE; the project names only
which of them the demo uses.

Every assessment made here is flagged `is_demo` and shown as "Demodaten"; the
answers are drawn at random (fixed seed) and describe no real municipality.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from digicheck import municipalities, timefmt
from digicheck.accounts.services import hash_password
from digicheck.assess import services as assessments
from digicheck.content import catalogue, questionnaire
from digicheck.extensions import db
from digicheck.models import Answer, Assessment, Note, PlanEntry, PlanSource, PlanStatus, Role, User
from digicheck.plan.services import EntryValues, add_entry, take_suggestion
from digicheck.register import Register, RegisterError, edition_from_name, read_register
from digicheck.talk import waiting
from scoring import check_answers
from scoring.model import DONT_KNOW, Questionnaire

#: the demo's municipalities: towns and Gemeinden of three Regierungsbezirke, two kreisfreie
#: Städte and two Landkreise, among them the IKZ partners Erbach, Michelstadt and Brombachtal
DEMO_AGS = (
    "06411000",
    "06414000",
    "06437",
    "06437005",
    "06437006",
    "06437011",
    "06437012",
    "06437016",
    "06531",
    "06531005",
    "06535002",
    "06635001",
    "06635011",
    "06636015",
)
REGISTER_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gv100ad"
KOMMUNE_AGS = "06437006"  # Erbach
#: the random generator's seed: the demo's answers are the same on every install
DEMO_SEED = 2026
#: AGS -> maturity between 0 (beginner) and 1 (pioneer) of the synthetic answers, drawn in this order
DEMO_PROFILES = {
    "06437006": 0.5,
    "06437011": 0.55,
    "06437016": 0.35,
    "06437005": 0.25,
    "06437012": 0.3,
    "06531005": 0.7,
    "06411000": 0.8,
    "06635011": 0.45,
}
USERS = (
    (Role.ADMIN, "admin@demo.digicheck.invalid", "Demo Administration"),
    (Role.BERATER, "berater@demo.digicheck.invalid", "Demo Beratung"),
    (Role.KOMMUNE, "kommune@demo.digicheck.invalid", "Demo Hauptamt Erbach"),
    (Role.ANALYST, "analyse@demo.digicheck.invalid", "Demo Analyse Land"),
)


def synthetic_answers(q: Questionnaire, maturity: float, rng: random.Random) -> dict:
    """Answers around a maturity level, with a few "Weiß nicht"."""
    answers: dict = {}
    for item in q.items:
        if rng.random() < 0.06:
            answers[item.id] = DONT_KNOW
            continue
        strength = min(1.0, max(0.0, rng.gauss(maturity, 0.2)))
        if item.type == "number":
            band = item.bands[min(len(item.bands) - 1, int(strength * len(item.bands)))]
            answers[item.id] = band.min
        elif item.type == "multi":
            plain = [o for o in item.options if not o.exclusive]
            chosen = [o.id for o in plain if rng.random() < strength]
            exclusive = [o.id for o in item.options if o.exclusive]
            answers[item.id] = chosen or (exclusive[:1] if exclusive else [plain[0].id])
        else:
            ranked = item.ranked_options
            answers[item.id] = ranked[min(len(ranked) - 1, int(strength * len(ranked)))].id
    return answers


def _ensure_users() -> list[tuple[str, str, str]]:
    erbach = municipalities.by_ags(KOMMUNE_AGS)
    credentials = []
    for role, email, name in USERS:
        password = secrets.token_urlsafe(9)
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, name=name, role=role, password_hash="")
            db.session.add(user)
        user.password_hash = hash_password(password)
        user.session_epoch = (user.session_epoch or 0) + 1
        user.municipality_id = erbach.id if role == Role.KOMMUNE and erbach else None
        credentials.append((role.label, email, password))
    db.session.flush()
    return credentials


def _seed_assessments() -> None:
    q = questionnaire()
    rng = random.Random(DEMO_SEED)
    for ags, maturity in DEMO_PROFILES.items():
        municipality = municipalities.by_ags(ags)
        if municipality is None or db.session.scalars(select(Assessment).where(Assessment.municipality_id == municipality.id)).first():
            continue
        assessment = assessments.start_round(municipality, None, is_demo=True)
        answers = check_answers(q, synthetic_answers(q, maturity, rng))
        assessments.save_demo_answers(assessment, answers)
        assessments.submit(assessment, None)


#: the demo's evidence (item id -> comment, references) and one conversation, on Erbach's round (issue 16)
DEMO_EVIDENCE = {
    "strategie.digitalstrategie": ("Beschluss der Stadtverordnetenversammlung vom 12.03.", "Drucksache 2026/17"),
    "strategie.verantwortung": ("Stabsstelle Digitalisierung seit Mai im Hauptamt.", "Organigramm der Stadtverwaltung, Stand 05/2026"),
}
DEMO_NOTE = "Bitte zum Termin den Beschluss zur Digitalstrategie mitbringen; wer leitet die Umsetzung?"
DEMO_REPLY = "Der Beschluss liegt vor; die Umsetzung leitet die Stabsstelle im Hauptamt."


def _seed_conversation() -> None:
    """A little evidence and one thread (a shared note of the consultation, the Kommune's reply) on
    Erbach's demo round, once."""
    erbach = municipalities.by_ags(KOMMUNE_AGS)
    if erbach is None:
        return
    assessment = assessments.latest_round(erbach.id)
    if assessment is None or db.session.scalars(select(Note).where(Note.assessment_id == assessment.id)).first():
        return
    consultant = db.session.scalars(select(User).where(User.role == Role.BERATER).order_by(User.id)).first()
    kommune = db.session.scalars(select(User).where(User.municipality_id == erbach.id).order_by(User.id)).first()
    for answer in db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id, Answer.item_id.in_(DEMO_EVIDENCE))):
        answer.evidence_comment, answer.evidence_refs = DEMO_EVIDENCE[answer.item_id]
    if consultant is None or kommune is None:
        return
    root = Note(assessment_id=assessment.id, item_id="strategie.digitalstrategie", text=DEMO_NOTE, author_id=consultant.id, shared=True)
    db.session.add(root)
    db.session.flush()
    db.session.add(
        Note(assessment_id=assessment.id, item_id=root.item_id, text=DEMO_REPLY, author_id=kommune.id, shared=True, parent_id=root.id)
    )
    db.session.flush()
    waiting.refresh([root.id])  # the Kommune's reply: the thread waits for the consultation


def register_file() -> Path:
    """The official register: DIGICHECK_REGISTER_FILE, else the newest GV100AD file in ../shared/data."""
    configured = current_app.config["REGISTER_FILE"]
    if configured:
        return Path(configured)
    found = sorted(REGISTER_DIR.glob("GV100AD_*.txt"), key=lambda path: (edition_from_name(path) or date.min, path.name))
    if not found:
        raise RegisterError(
            str(REGISTER_DIR),
            None,
            "kein Gemeindeverzeichnis GV100AD_*.txt gefunden (es liegt in ../shared/data; sonst DIGICHECK_REGISTER_FILE setzen)",
        )
    return found[-1]


def demo_register() -> Register:
    """The demo municipalities as the register describes them, in AGS order."""
    path = register_file()
    register = read_register(path, land="06")
    entries = [entry for entry in register.entries if entry.ags in DEMO_AGS]
    missing = sorted(set(DEMO_AGS) - {entry.ags for entry in entries})
    if missing:
        raise RegisterError(path.name, None, f"Demo-Kommunen fehlen im Verzeichnis: {', '.join(missing)}")
    return Register(sorted(entries, key=lambda entry: entry.ags), register.gebietsstand, 0, register.format)


def _seed_plan() -> None:
    """A few entries of the demo Kommune's Maßnahmenplan (one done, one overdue, one from a reference measure), once."""
    erbach = municipalities.by_ags(KOMMUNE_AGS)
    kommune = db.session.scalars(
        select(User).where(User.role == Role.KOMMUNE, User.municipality_id == (erbach.id if erbach else -1))
    ).first()
    if erbach is None or kommune is None or db.session.scalars(select(PlanEntry).where(PlanEntry.municipality_id == erbach.id)).first():
        return
    today = timefmt.today()
    for values in (
        EntryValues(
            "technik",
            "E-Akte-Pilot Bürgerbüro",
            ("technik.dms_eakte",),
            "Hauptamt",
            today - timedelta(days=200),
            today - timedelta(days=20),
            PlanStatus.DONE,
            funding_id="starke-heimat-phase1",
        ),
        EntryValues(
            "organisation",
            "Fortbildungskonzept für alle Ämter",
            (),
            "Personalamt",
            today - timedelta(days=90),
            today - timedelta(days=10),
            PlanStatus.IN_PROGRESS,
        ),
        EntryValues("technik", "WLAN in allen Verwaltungsgebäuden", ("technik.netz",), "IT-Stelle", today, today + timedelta(days=180)),
    ):
        add_entry(erbach, kommune, values)
    # one entry taken from the catalogue, as the result page's button does: the Fahrplan cites its source
    q = questionnaire()
    take_suggestion(erbach, kommune, q, catalogue(q), PlanSource.MEASURE, "giessen-leitlinien")


def seed() -> list[tuple[str, str, str]]:
    register = demo_register()
    municipalities.upsert(register.entries, register.gebietsstand, complete=False)
    _seed_assessments()
    credentials = _ensure_users()
    _seed_conversation()
    _seed_plan()
    return credentials
