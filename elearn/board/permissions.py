"""Who may do what on the board.

Roles (route rules are in ``elearn/auth/access.py``, object rules here):

- anyone reads published posts and approved organisations, and the feeds;
- a signed-in user writes posts and replies, reports them, contacts authors, saves
  filters, declares an organisation and asks to join one;
- a post's author edits and deletes it, and sees it while it waits or is hidden;
- an organisation's admins (its declarant first) edit its profile and accept members;
- moderators: admins everywhere, partner admins in the country of their grant's variant
  (``lv-LV`` → LV). They approve waiting posts and organisations, hide and restore
  posts and replies with a reason, and every such act goes to the audit log.

A user's first post or reply waits for a moderator, unless they are a moderator or
already have a published post or reply.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from elearn.auth.models import ADMIN, PARTNER_ADMIN, RoleGrant, User
from elearn.board.models import APPROVED, PUBLISHED, Membership, Organisation, Post, Reply
from elearn.extensions import db


def moderated_countries(user) -> set[str] | None:
    """The countries a user moderates: None = every country (admins), an empty set = none."""
    if not user.is_authenticated:
        return set()
    if user.has_role(ADMIN):
        return None
    return {scope.partition("-")[2].upper() for scope in user.variants_administered() if "-" in scope}


def moderators_of(country: str) -> list[User]:
    """Everyone who moderates ``country``: admins, and partner admins of a variant of it (``lv-LV`` → LV)."""
    moderates = or_(
        RoleGrant.role == ADMIN,
        (RoleGrant.role == PARTNER_ADMIN) & func.upper(RoleGrant.scope).like(f"%-{country.upper()}"),
    )
    return list(db.session.scalars(select(User).where(User.id.in_(select(RoleGrant.user_id).where(moderates)))))


def is_moderator(user) -> bool:
    countries = moderated_countries(user)
    return countries is None or bool(countries)


def can_moderate(user, country: str) -> bool:
    countries = moderated_countries(user)
    return countries is None or country in countries


def _country_clause(column, user):
    countries = moderated_countries(user)
    return True if countries is None else column.in_(countries or {""})


def can_edit_post(user, post: Post) -> bool:
    return user.is_authenticated and (post.author_id == user.id or can_moderate(user, post.country))


def can_see_post(user, post: Post) -> bool:
    return post.status == PUBLISHED or can_edit_post(user, post)


def can_see_reply(user, reply: Reply) -> bool:
    if reply.status == PUBLISHED:
        return True
    return user.is_authenticated and (reply.author_id == user.id or can_moderate(user, reply.post.country))


def is_trusted(user) -> bool:
    """Moderators, and users with at least one published post or reply, publish at once."""
    if is_moderator(user):
        return True
    published_post = select(Post.id).where(Post.author_id == user.id, Post.status == PUBLISHED)
    published_reply = select(Reply.id).where(Reply.author_id == user.id, Reply.status == PUBLISHED)
    return bool(db.session.scalar(select(published_post.union_all(published_reply).limit(1).subquery().c.id)))


def memberships(user, *, approved_only: bool = True) -> list[Membership]:
    if not user.is_authenticated:
        return []
    statement = select(Membership).join(Organisation).where(Membership.user_id == user.id).order_by(Organisation.name)
    if approved_only:
        statement = statement.where(Membership.status == APPROVED, Organisation.status == APPROVED)
    return list(db.session.scalars(statement))


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == organisation.id)
    )


def can_manage_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if can_moderate(user, organisation.country):
        return True
    membership = membership_of(user, organisation)
    return bool(membership and membership.is_admin and membership.status == APPROVED)


def can_see_organisation(user, organisation: Organisation) -> bool:
    return organisation.status == APPROVED or can_manage_organisation(user, organisation)
