"""Users, their roles and their server-side sign-in sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.models import utcnow
from elearn.extensions import Model

LEARNER, TRAINER, PARTNER_ADMIN, COHORT_LEAD, ADMIN = "learner", "trainer", "partner_admin", "cohort_lead", "admin"
# Every account is a learner; the others are granted. A partner admin's grant names a variant.
GRANTABLE_ROLES = (TRAINER, PARTNER_ADMIN, COHORT_LEAD, ADMIN)
ROLES = (LEARNER, *GRANTABLE_ROLES)


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(10))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set on the anonymous row that keeps an erased learner's progress for statistics (see
    # elearn.auth.personal_data.anonymous_twin): no name, no usable email or password, never signs in.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", foreign_keys="RoleGrant.user_id"
    )

    # Flask-Login stores the *session* token, not the user id: see auth.sessions.
    if TYPE_CHECKING:  # annotated for the type checker only: SQLAlchemy would want a Mapped[] column
        session_token: str | None
    session_token = None  # set per request by auth.sessions (not a column)

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def roles(self) -> frozenset[str]:
        """Frozen, so that it can be part of a key (the page header kept per roles: elearn.core.fragments)."""
        return frozenset((LEARNER, *(g.role for g in self.grants)))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def variants_administered(self) -> set[str]:
        return {g.scope for g in self.grants if g.role == PARTNER_ADMIN and g.scope}


class RoleGrant(Model):
    """A role given to a user; ``scope`` is the variant tag for partner admins (``lv-LV``)."""

    __table_args__ = (UniqueConstraint("user_id", "role", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


class UserSession(Model):
    """A signed-in browser. Deleting the row signs that browser out, wherever it is."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
