"""What the localisation domain holds about a person, for export and erasure (see docs/privacy.md).

A translation revision is course content: erasure keeps the text and removes its author.
"""

from __future__ import annotations

import sys
from types import ModuleType

from sqlalchemy import func, select, update

from elearn.core import signals
from elearn.courses.models import Module, TranslationRevision, Unit, Variant
from elearn.extensions import db

NAME = "localisation"
ORDER = 30

COLUMNS = {"translation_revision.author_id"}


def export(user) -> dict:
    rows = db.session.execute(
        select(TranslationRevision, Variant.tag, Module.slug, Unit.slug)
        .join(Variant, Variant.id == TranslationRevision.variant_id)
        .outerjoin(Unit, Unit.id == TranslationRevision.unit_id)
        .outerjoin(Module, Module.id == func.coalesce(Unit.module_id, TranslationRevision.module_id))
        .where(TranslationRevision.author_id == user.id)
        .order_by(TranslationRevision.id)
    ).all()
    return {
        "translations_you_saved": [
            {
                "version": tag,
                "module": module_slug,
                "unit": unit_slug,
                "number": r.number,
                "title": r.title,
                "text": r.body_source,
                "saved_at": r.created_at.isoformat(),
            }
            for r, tag, module_slug, unit_slug in rows
        ]
    }


def erase(user) -> None:
    db.session.execute(
        update(TranslationRevision).where(TranslationRevision.author_id == user.id).values(author_id=None)
    )


# ---------------------------------------------------------------- connected to the domain events


@signals.account_erasing.connect
def _erase(user, **_) -> None:
    erase(user)


@signals.personal_data_exported.connect
def _export(user, **_) -> tuple[str, dict]:
    return NAME, export(user)


@signals.personal_data_columns.connect
def _columns(_sender, **_) -> ModuleType:
    return sys.modules[__name__]
