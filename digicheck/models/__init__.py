"""SQLAlchemy models (typed declarations); schema changes go through Alembic migrations."""

from digicheck.models.api_token import ApiToken, TokenRole
from digicheck.models.assessment import Answer, AnswerChange, AreaScore, Assessment, AssessmentStatus, Target
from digicheck.models.booking import BookingStatus, ConsultationBooking
from digicheck.models.consult import Note, ValidatedLevel
from digicheck.models.login_security import RecoveryCode, SecondFactor, UserSession
from digicheck.models.municipality import Municipality
from digicheck.models.password_reset import PasswordReset
from digicheck.models.plan import PlanEntry, PlanEntryChange, PlanSource, PlanStatus
from digicheck.models.user import Invitation, Role, User

__all__ = [
    "Answer",
    "AnswerChange",
    "ApiToken",
    "AreaScore",
    "Assessment",
    "AssessmentStatus",
    "BookingStatus",
    "ConsultationBooking",
    "Invitation",
    "Municipality",
    "Note",
    "PasswordReset",
    "PlanEntry",
    "PlanEntryChange",
    "PlanSource",
    "PlanStatus",
    "RecoveryCode",
    "Role",
    "SecondFactor",
    "Target",
    "TokenRole",
    "User",
    "UserSession",
    "ValidatedLevel",
]
