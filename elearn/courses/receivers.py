"""What the courses domain answers other domains (elearn.core.signals)."""

from __future__ import annotations

from sqlalchemy import select

from elearn.core import signals
from elearn.courses.models import Variant
from elearn.extensions import db


@signals.course_versions.connect
def course_versions(_sender) -> set[str]:
    """The tags of every course's variants: the versions a partner admin can be given."""
    return set(db.session.scalars(select(Variant.tag).distinct()))
