"""Digi-Check's domain: questionnaires, scoring into Reifegrad profiles, explanations.

Pure Python: no Flask, no database. Content comes from YAML files in
`questionnaires/`; answers come in as plain mappings.
"""

from scoring.answers import AnswerError, check_answers
from scoring.content import ContentError, load_questionnaire
from scoring.library import Library, UnknownVersion, carry_over
from scoring.model import DONT_KNOW, NOT_APPLICABLE, Questionnaire
from scoring.profile import Profile, score, score_checked

__all__ = [
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "AnswerError",
    "ContentError",
    "Library",
    "Profile",
    "Questionnaire",
    "UnknownVersion",
    "carry_over",
    "check_answers",
    "load_questionnaire",
    "score",
    "score_checked",
]
