"""The networking board: organisations, their members, posts, replies and moderation.

An organisation joins the network through a join declaration (the 2SoKroG partner
network's accession form: name, address, tax number, responsible person, legal form,
area of cooperation) that a moderator of its country approves. Posts and replies are
written by users, optionally on behalf of an organisation they belong to.

Full-text search is not a column of these models: on SQLite an FTS5 table
``board_post_fts`` (external content over ``board_post.search_text`` and ``search_stems``), on
PostgreSQL a generated ``tsvector`` column with a GIN index, and a trigram index. Both are
created by the migrations and, for ``db.create_all``, by the DDL hooks in :mod:`elearn.board.search`; their names are
listed in ``db.metadata.info["unmanaged"]`` so schema comparisons leave them alone.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.models import utcnow
from elearn.extensions import Model

# ---------------------------------------------------------------- vocabularies (labels in elearn.board.forms)

LEGAL_FORMS = (
    "social_enterprise",
    "cooperative",
    "company",
    "ngo",
    "public_institution",
    "local_community",
    "educational",
    "research",
)
AREAS = ("work_practice", "skills", "care_employment", "eu_projects", "products_services", "ethical_investment")
KINDS = ("offer", "request", "partner_search", "event", "job")
EXPIRING_KINDS = ("offer", "request")  # shown until a date (elearn.board.posts.EXPIRY), which the author can extend

# states of organisations, posts and replies
PENDING, PUBLISHED, HIDDEN = "pending", "published", "hidden"
APPROVED, REJECTED = "approved", "rejected"
# frequencies of a saved filter's digest
OFF, DAILY, WEEKLY = "off", "daily", "weekly"


class Organisation(Model):
    __tablename__ = "board_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(30), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description_md: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised when saved
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)  # pending / approved / rejected
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the logo (board_organisation_logo): its content's digest names its URL, so browsers cache it for good
    logo_digest: Mapped[str] = mapped_column(String(16), default="", server_default="")
    logo_width: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    logo_height: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    area_rows: Mapped[list[OrganisationArea]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationArea.area"
    )

    @property
    def areas(self) -> list[str]:
        return [row.area for row in self.area_rows]


class OrganisationLogo(Model):
    """An organisation's logo as served: re-encoded as PNG by elearn.board.logos, at most LOGO_SIZE a side."""

    __tablename__ = "board_organisation_logo"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("board_organisation.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[bytes] = mapped_column(LargeBinary)


class OrganisationArea(Model):
    """One area of cooperation of an organisation (a row each, so filters use an index)."""

    __tablename__ = "board_organisation_area"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("board_organisation.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class JoinDeclaration(Model):
    """The accession form an organisation sends to join the network, and the moderator's decision."""

    __tablename__ = "board_join_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("board_organisation.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    tax_number: Mapped[str] = mapped_column(String(40), default="")
    responsible_person: Mapped[str] = mapped_column(String(200))
    responsible_function: Mapped[str] = mapped_column(String(200), default="")
    primary_area: Mapped[str] = mapped_column(String(30))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decision: Mapped[str] = mapped_column(String(10), default=PENDING)  # pending / approved / rejected
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])


class Membership(Model):
    """A user belongs to an organisation; ``is_admin`` members edit its profile and accept new members."""

    __tablename__ = "board_membership"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("board_organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)  # pending (asked to join) / approved
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user = relationship("User")


class Post(Model):
    __tablename__ = "board_post"
    __table_args__ = (Index("ix_board_post_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised when saved
    # What full-text search indexes: title, tags, organisation and body as folded plain text (see search.fold).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Their Snowball stems in the post's language, for SQLite's index (PostgreSQL stems search_text itself).
    search_stems: Mapped[str] = mapped_column(Text, default="", server_default="")
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(10), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_organisation.id", ondelete="SET NULL"), index=True
    )
    # events: a day, optional start and end times, a place; times are local to the place (timezone)
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    event_start: Mapped[time | None] = mapped_column(Time)
    event_end: Mapped[time | None] = mapped_column(Time)
    event_place: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(40), default="UTC")
    status: Mapped[str] = mapped_column(String(10), default=PUBLISHED)  # pending / published / hidden
    moderation_reason: Mapped[str] = mapped_column(Text, default="")  # why it is hidden, shown to its author
    # offers and requests leave the board, its feeds and digests after this day (None: never)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)  # published replies
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    author = relationship("User", lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    tag_rows: Mapped[list[PostTag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PostTag.tag"
    )

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]


class SearchWord(Model):
    """A word of a post in a language without a stemmer: the vocabulary trigram search looks in.

    A query word is compared with these words (a trigram index on each database), and the
    similar ones are searched for in the posts (see elearn.board.search). Kept as written;
    ``flask board reindex`` rebuilds it from the current posts.
    """

    __tablename__ = "board_search_word"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)


class PostTag(Model):
    __tablename__ = "board_post_tag"

    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Reply(Model):
    __tablename__ = "board_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PUBLISHED)
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    post: Mapped[Post] = relationship()
    author = relationship("User", lazy="joined")


class Report(Model):
    """Someone signed in flags a post or a reply for the moderators."""

    __tablename__ = "board_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("board_reply.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    post: Mapped[Post] = relationship()
    reply: Mapped[Reply | None] = relationship()
    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined")  # shown in the moderators' queue


class ModerationAction(Model):
    """The audit log: every hide, restore, approval, rejection and edit of another's post, with who, when and why.

    Titles are copied, so the log still reads after a post is deleted.
    """

    __tablename__ = "board_moderation_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # hide, restore, approve, reject, dismiss, delete, edit
    target: Mapped[str] = mapped_column(String(20))  # post, reply, organisation, report
    post_id: Mapped[int | None] = mapped_column(ForeignKey("board_post.id", ondelete="SET NULL"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("board_reply.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_organisation.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    actor = relationship("User", lazy="joined")


class SavedFilter(Model):
    """A board filter a user saved; with a frequency, new matching posts are mailed as a digest."""

    __tablename__ = "board_saved_filter"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(1000), default="")  # the board's query string, canonical
    frequency: Mapped[str] = mapped_column(String(10), default=OFF)  # off / daily / weekly
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")


class ContactMessage(Model):
    """A message relayed by the platform between a reader and a post's author: no address is shown.

    The recipient answers on the site (``/board/messages/<id>``); the answer is a new message
    with ``in_reply_to_id`` set, mailed the same way.
    """

    __tablename__ = "board_contact_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("board_post.id", ondelete="SET NULL"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("board_contact_message.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    share_email: Mapped[bool] = mapped_column(Boolean, default=False)  # sender's address as Reply-To
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    post: Mapped[Post | None] = relationship()
    sender = relationship("User", foreign_keys=[sender_id])
    recipient = relationship("User", foreign_keys=[recipient_id])
