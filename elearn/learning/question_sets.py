"""The question sets quiz attempts refer to (:class:`elearn.learning.models.QuestionSet`).

A set is keyed by the SHA-256 of its questions' canonical JSON, so the same key always
means the same questions, in any database: a worker keeps the sets it has read and grades
or shows an attempt without reading its questions again (the quiz submission's hot path).
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import bindparam, select

from elearn.core.models import insert_ignore
from elearn.extensions import db
from elearn.learning.models import QuestionSet, QuizAttempt

MAX_KEPT = 2000  # sets kept per worker: a quiz version each, a few kilobytes

_kept: dict[str, list[dict]] = {}
_QUESTIONS = select(QuestionSet.questions).where(QuestionSet.digest == bindparam("digest"))


def digest(questions: list[dict]) -> str:
    canonical = json.dumps(questions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store(questions: list[dict]) -> str:
    """The key of ``questions``' set, written first if this version of the quiz is new."""
    key = digest(questions)
    insert_ignore(QuestionSet, digest=key, questions=questions)
    return key


def questions_of(attempt: QuizAttempt) -> list[dict]:
    """The questions the attempt shows and is graded on. Shared between requests: read, never change."""
    key = attempt.question_set_digest
    questions = _kept.get(key)
    if questions is None:
        questions = db.session.execute(_QUESTIONS, {"digest": key}).scalar_one()
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = questions
    return questions
