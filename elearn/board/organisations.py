"""Organisations in the network: declaring one, moderators' decisions, editing it, its members."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from elearn.auth.models import User
from elearn.board import notices, search
from elearn.board.audit import _log
from elearn.board.errors import BoardError
from elearn.board.filters import printable
from elearn.board.models import APPROVED, PENDING, REJECTED, JoinDeclaration, Membership, Organisation, OrganisationArea
from elearn.board.moderation import release_members_posts
from elearn.board.permissions import can_manage_organisation, can_moderate, membership_of
from elearn.board.text import _line, render_markdown
from elearn.core import mail
from elearn.core.models import utcnow
from elearn.extensions import db


@dataclass
class OrganisationFields:
    name: str
    legal_form: str
    country: str
    region: str
    website: str
    areas: list[str]
    description: str


@dataclass
class DeclarationFields:
    address: str
    tax_number: str
    responsible_person: str
    responsible_function: str
    primary_area: str


def _slug_for(name: str) -> str:
    base = "-".join(search.words(name))[:80].strip("-") or "organisation"
    slug, number = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        number += 1
        slug = f"{base}-{number}"
    return slug


def _fill_organisation(organisation: Organisation, fields: OrganisationFields) -> None:
    organisation.name = _line(fields.name)
    organisation.legal_form = fields.legal_form
    organisation.country = fields.country
    organisation.region = _line(fields.region)
    organisation.website = _line(fields.website)
    organisation.description_md = printable(fields.description)
    organisation.description_html = render_markdown(organisation.description_md, "org-")
    organisation.area_rows = [OrganisationArea(area=area) for area in dict.fromkeys(fields.areas)]


def declare_organisation(user: User, fields: OrganisationFields, declaration: DeclarationFields) -> Organisation:
    """An organisation asks to join the network: it waits for a moderator of its country.

    The declarant becomes the organisation's first admin member.
    """
    if db.session.scalar(
        select(Organisation.id).where(
            func.lower(Organisation.name) == fields.name.strip().lower(), Organisation.country == fields.country
        )
    ):
        raise BoardError(
            _l(
                "An organisation with this name in this country is already in the network or waiting. "
                "Ask its members to add you instead."
            ),
            "name",
        )
    organisation = Organisation(slug=_slug_for(fields.name), status=PENDING)
    _fill_organisation(organisation, fields)
    db.session.add(organisation)
    db.session.flush()
    declared = JoinDeclaration(
        organisation_id=organisation.id,
        organisation=organisation,
        submitted_by_id=user.id,
        address=_line(declaration.address),
        tax_number=_line(declaration.tax_number),
        responsible_person=_line(declaration.responsible_person),
        responsible_function=_line(declaration.responsible_function),
        primary_area=declaration.primary_area,
    )
    db.session.add(declared)
    db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, is_admin=True, status=APPROVED))
    db.session.flush()
    notices.declaration_submitted(declared, user)
    return organisation


def update_organisation(user: User, organisation: Organisation, fields: OrganisationFields) -> None:
    if not can_manage_organisation(user, organisation):
        raise BoardError(_l("You cannot edit this organisation."))
    if (
        fields.country != organisation.country
        and not can_moderate(user, fields.country)
        and organisation.status == APPROVED
    ):
        raise BoardError(_l("Ask a moderator to move an approved organisation to another country."), "country")
    _fill_organisation(organisation, fields)


def decide_declaration(moderator: User, declaration: JoinDeclaration, approve: bool, reason: str) -> None:
    organisation = declaration.organisation
    if not can_moderate(moderator, organisation.country):
        raise BoardError(_l("You do not moderate organisations from this country."))
    if declaration.decision != PENDING:
        raise BoardError(_l("This declaration has already been decided."))
    reason = printable(reason or "").strip()
    if not approve and not reason:
        raise BoardError(_l("Please give a reason: the organisation sees it."), "reason")
    declaration.decision = APPROVED if approve else REJECTED
    declaration.decided_at, declaration.decided_by_id, declaration.reason = utcnow(), moderator.id, reason
    organisation.status = APPROVED if approve else REJECTED
    organisation.approved_at = utcnow() if approve else None
    _log(
        "approve" if approve else "reject",
        "organisation",
        moderator,
        organisation.country,
        organisation=organisation,
        title=organisation.name,
        reason=reason,
    )
    if approve:
        release_members_posts(moderator, organisation)
    declarant = declaration.submitted_by
    if declarant is not None:  # the mail is queued with the decision: it leaves once that is committed
        mail.send(
            declarant.email,
            _l("%(name)s is now in the network", name=organisation.name)
            if approve
            else _l("%(name)s was not accepted into the network", name=organisation.name),
            "board/mail/declaration_decided",
            kind="board-decision",
            ref=f"board-organisation:{organisation.id}",
            language=declarant.language,
            user=declarant,
            organisation=organisation,
            approved=approve,
            reason=reason,
            link=url_for("board.organisation", slug=organisation.slug, _external=True),
        )


def request_membership(user: User, organisation: Organisation) -> Membership:
    if organisation.status != APPROVED:
        raise BoardError(_l("This organisation is not in the network yet."))
    existing = membership_of(user, organisation)
    if existing is not None:
        return existing
    membership = Membership(organisation_id=organisation.id, user_id=user.id, status=PENDING)
    db.session.add(membership)
    db.session.flush()
    return membership


def decide_membership(user: User, membership: Membership, accept: bool) -> None:
    if not can_manage_organisation(user, membership.organisation):
        raise BoardError(_l("You cannot manage this organisation's members."))
    if accept:
        membership.status = APPROVED
    else:
        if membership.is_admin and _admin_count(membership.organisation) <= 1:
            raise BoardError(_l("An organisation needs at least one admin: make someone else admin first."))
        db.session.delete(membership)


def leave_organisation(user: User, organisation: Organisation) -> None:
    membership = membership_of(user, organisation)
    if membership is None:
        return
    if membership.is_admin and _admin_count(organisation) <= 1 and _member_count(organisation) > 1:
        raise BoardError(_l("You are the organisation's only admin: make another member admin first."))
    db.session.delete(membership)


def set_member_admin(user: User, membership: Membership, is_admin: bool) -> None:
    if not can_manage_organisation(user, membership.organisation):
        raise BoardError(_l("You cannot manage this organisation's members."))
    if not is_admin and membership.is_admin and _admin_count(membership.organisation) <= 1:
        raise BoardError(_l("An organisation needs at least one admin: make someone else admin first."))
    membership.is_admin = is_admin and membership.status == APPROVED


def _admin_count(organisation: Organisation) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.is_admin.is_(True),
                Membership.status == APPROVED,
            )
        )
        or 0
    )


def _member_count(organisation: Organisation) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation.id, Membership.status == APPROVED)
        )
        or 0
    )
