"""The mail outbox: every mail is a row written in the transaction that caused it, then delivered.

:func:`queue` adds an :class:`OutgoingMail` (the complete message, rendered in the
recipient's language) to the caller's session, so the mail and the change it reports commit
together or not at all: a transactional outbox. Once the commit succeeded, one job delivers
every mail that transaction queued over one SMTP connection (:func:`deliver`); a failed
enqueue (the queue's Redis down) only delays it until the sweep (:func:`retry_due`, every
minute) finds the row.

Bulk mail (reminders and invitations to a whole cohort) is queued with
:func:`queue_for_rendering`: the request writes only the rows, with the few values the
message needs that only the request knows (``context``), and the worker composes each
message at delivery with the renderer its kind registered (:func:`renderer`), then keeps it
in the row. 2,000 messages composed in the request cost it about a second.

Each mail is sent at most once: delivery locks its row, skips it unless it is still
``queued``, sends it and commits ``sent`` before the next one. A temporary failure (the
server unreachable or gone, a 4xx answer, a timeout) counts an attempt and waits, longer
after each (:func:`backoff`); a permanent one (5xx for the recipient or the message, or
``MAIL_MAX_ATTEMPTS`` attempts) marks it ``failed``, shown to the people who act on it, who
can :func:`resend` it.
"""

from __future__ import annotations

import email
import io
import re
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email import policy
from email.generator import Generator
from email.header import Header
from email.message import Message
from email.utils import parseaddr

from flask import current_app
from huey import crontab
from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core import jobs, transaction
from elearn.core.models import as_utc, utcnow
from elearn.core.pagination import Page
from elearn.extensions import Model, db

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUSES = (QUEUED, SENT, FAILED)
PER_PAGE = 50
SWEEP_BATCH = 5000  # mails one sweep delivers; the next minute's sweep takes the rest
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
_DELIVERY = "elearn.outbox.delivery"
_CRLF = re.compile(r"\r\n|\r|\n")  # SMTP's line ends (smtplib converts only a str message)


class OutgoingMail(Model):
    """One message to one recipient, and where its delivery stands."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    # what kind of mail: "confirmation", "password-reset", "invitation", "reminder", "digest", …
    kind: Mapped[str] = mapped_column(String(40))
    # what the mail is about, for the pages that show its state: "cohort-invitation:123"
    ref: Mapped[str | None] = mapped_column(String(120), index=True)
    # the complete RFC 5322 message; None until the worker composes it (queue_for_rendering)
    message: Mapped[str | None] = mapped_column(Text)
    # what only the request knew, for the renderer of a mail composed at delivery (a link, a name)
    context: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_outgoing_mail_status_next_attempt_at", "status", "next_attempt_at"),)

    @property
    def subject(self) -> str:
        if self.message is None:
            return ""
        return str(email.message_from_string(self.message, policy=policy.default)["Subject"] or "")


# ---------------------------------------------------------------- queueing, in the caller's transaction


class _Delivery:
    """The after-commit callback of one transaction: one job for every mail it queued."""

    def __init__(self) -> None:
        self.mails: list[OutgoingMail] = []

    def __call__(self) -> None:
        ids = [mail.id for mail in self.mails]  # not expired: the session keeps objects after a commit
        enqueue(ids)


def enqueue(ids: list[int]) -> None:
    """Queue delivery of ``ids``; if the queue is unreachable, log it: the sweep sends them later."""
    if not ids:
        return
    try:
        deliver(ids)
    except Exception:  # the commit is done: never let the response fail for it
        current_app.logger.warning(
            "Could not queue the delivery of %d mail(s) (%s); the minutely sweep sends them",
            len(ids),
            ", ".join(map(str, ids[:10])) + ("…" if len(ids) > 10 else ""),
            exc_info=True,
        )


def _delivery_of_this_transaction() -> _Delivery:
    session = db.session()
    delivery = session.info.get(_DELIVERY)
    if delivery is None or not transaction.is_registered(delivery):
        delivery = session.info[_DELIVERY] = _Delivery()  # a rolled-back transaction's is gone with it
        transaction.after_commit(delivery)
    return delivery


class _Generator(Generator):
    """The email package's generator, writing each header as it is set instead of refolding it.

    The messages are composed by elearn.core.mail: headers short, non-ASCII ones already
    encoded (``Header``, ``formataddr``); folding them again through ``Header`` took most of
    the time of queueing 2,000 reminders.
    """

    def _write_headers(self, msg: Message) -> None:
        for name, value in msg.raw_items():
            if isinstance(value, Header):
                text = value.encode()
            else:
                text = value if value.isascii() else Header(value, "utf-8").encode()
            self.write(f"{name}: {text}{self._NL}")  # type: ignore[attr-defined]
        self.write(self._NL)  # type: ignore[attr-defined]


def _as_text(message: Message) -> str:
    buffer = io.StringIO()
    _Generator(buffer, mangle_from_=False).flatten(message)
    return buffer.getvalue()


def _add(recipient: str, *, kind: str, ref: str | None, message: str | None, context: dict | None) -> OutgoingMail:
    """A queued row in the caller's transaction, delivered by the job its commit queues."""
    now = utcnow()
    mail = OutgoingMail(
        recipient=recipient,
        kind=kind,
        ref=ref,
        message=message,
        context=context,
        status=QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(mail)
    _delivery_of_this_transaction().mails.append(mail)
    return mail


def queue(message: Message, *, kind: str, ref: str | None = None) -> OutgoingMail:
    """Add ``message`` to the outbox in the caller's transaction; it leaves after the commit."""
    recipient = parseaddr(str(message["To"]))[1]
    return _add(recipient, kind=kind, ref=ref, message=_as_text(message), context=None)


Renderer = Callable[[OutgoingMail], Message]
_RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register how the worker composes the mails of ``kind`` queued with :func:`queue_for_rendering`."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
        return function

    return register


def queue_for_rendering(recipient: str, *, kind: str, ref: str, context: dict | None = None) -> OutgoingMail:
    """Add a mail to the outbox that the worker composes at delivery, with ``kind``'s renderer."""
    if kind not in _RENDERERS:
        raise LookupError(f"no renderer for mails of kind {kind!r}")
    return _add(recipient, kind=kind, ref=ref, message=None, context=context)


def message_of(mail: OutgoingMail) -> str:
    """The mail's message, composed by its kind's renderer if it has none yet (and kept)."""
    if mail.message is None:
        mail.message = _as_text(_RENDERERS[mail.kind](mail))
    return mail.message


# ---------------------------------------------------------------- what the pages show


def statuses(refs: list[str]) -> dict[str, OutgoingMail]:
    """The latest mail about each of ``refs`` that has one."""
    if not refs:
        return {}
    latest = select(func.max(OutgoingMail.id)).where(OutgoingMail.ref.in_(refs)).group_by(OutgoingMail.ref)
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(latest)))
    return {mail.ref: mail for mail in mails if mail.ref is not None}


def failed_mail(page: int = 1, per_page: int = PER_PAGE) -> Page[OutgoingMail]:
    """Failed mail, newest first, a page at a time (the admins' list)."""
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(OutgoingMail.status == FAILED))
    items = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.status == FAILED)
        .order_by(OutgoingMail.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(list(items), total or 0, page, per_page)


def resend(mail_ids: list[int]) -> list[OutgoingMail]:
    """Queue the failed ones of ``mail_ids`` again, with a fresh count of attempts; sent after the commit."""
    if not mail_ids:
        return []
    mails = list(
        db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.id.in_(mail_ids), OutgoingMail.status == FAILED).with_for_update()
        )
    )
    now = utcnow()
    delivery = _delivery_of_this_transaction()
    for mail in mails:
        mail.status, mail.attempts, mail.last_error, mail.next_attempt_at = QUEUED, 0, None, now
        delivery.mails.append(mail)
    return mails


# ---------------------------------------------------------------- delivery, in the worker


class TemporaryFailure(Exception):
    """The server could not take the message now: try again later, on a new connection."""


class PermanentFailure(Exception):
    """The server refused this message for good: retrying would not change its answer."""


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 1 min, 2, 4, … at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def connect() -> smtplib.SMTP:
    """A connection to the app's SMTP server, secured and signed in as the settings say."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _classify(error: Exception) -> Exception:
    """A temporary or permanent failure, by the SMTP reply code (4xx or 5xx) or the kind of error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        kind = PermanentFailure if permanent else TemporaryFailure
        return kind(
            "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items())
        )
    if isinstance(error, smtplib.SMTPResponseException):
        kind = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
        return kind(f"{error.smtp_code} {_text(error.smtp_error)}")
    return TemporaryFailure(f"{type(error).__name__}: {error}")  # refused, disconnected, timed out


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _claim(mail_id: int) -> OutgoingMail | None:
    """The mail, locked for this transaction, if it still waits to be sent; None otherwise.

    PostgreSQL locks the row and skips it when another worker holds it; SQLite takes the
    database's write lock with a write that changes nothing, so delivery is serialised.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(status=OutgoingMail.status))
    mail = db.session.scalar(
        select(OutgoingMail)
        .where(OutgoingMail.id == mail_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if mail is None or mail.status != QUEUED:
        return None
    return mail


def _record_failure(mail: OutgoingMail, failure: Exception) -> None:
    mail.attempts += 1
    mail.last_error = str(failure)[:2000]
    if isinstance(failure, PermanentFailure) or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        mail.status = FAILED
        current_app.logger.warning("Mail %d to %s failed for good: %s", mail.id, mail.recipient, mail.last_error)
    else:
        mail.next_attempt_at = utcnow() + backoff(mail.attempts)
        current_app.logger.info("Mail %d: %s; next attempt at %s", mail.id, mail.last_error, mail.next_attempt_at)


def deliver_now(mail_ids: list[int]) -> int:
    """Send the still-queued mails of ``mail_ids`` over one connection; how many were sent.

    Each mail is its own small transaction, committed as soon as the server took it: a
    crash later in the batch never sends it again. A temporary failure ends the batch (the
    connection is gone); the mails after it stay queued for the sweep.
    """
    smtp: smtplib.SMTP | None = None
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sent = 0
    try:
        for mail_id in mail_ids:
            mail = _claim(mail_id)
            if mail is None:
                transaction.commit()
                continue
            try:
                text = message_of(mail)
            except Exception as error:  # what it reports on is gone (a deleted cohort): retrying cannot help
                _record_failure(mail, PermanentFailure(f"The message could not be composed: {error!r}"))
                transaction.commit()
                continue
            try:
                if not current_app.config.get("MAIL_SERVER"):
                    current_app.logger.info("Mail (not sent: MAIL_SERVER is not set):\n%s", text)
                else:
                    if smtp is None:
                        smtp = connect()
                    # the stored message is ASCII (encoded headers, quoted-printable or base64 body)
                    smtp.sendmail(sender, [mail.recipient], _CRLF.sub("\r\n", text).encode("utf-8"))
            except (smtplib.SMTPException, OSError) as error:
                failure = _classify(error)
                _record_failure(mail, failure)
                transaction.commit()
                if isinstance(failure, TemporaryFailure):
                    break
                continue
            mail.status, mail.sent_at, mail.last_error = SENT, utcnow(), None
            transaction.commit()
            sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return sent


@jobs.job()
def deliver(mail_ids: list[int]) -> None:
    """The job queued after a commit: deliver that transaction's mails."""
    deliver_now(mail_ids)


def due_mail(limit: int = SWEEP_BATCH) -> list[int]:
    """Queued mails whose next attempt is due, oldest first."""
    return list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.status == QUEUED, OutgoingMail.next_attempt_at <= utcnow())
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
            .limit(limit)
        )
    )


def retry_due() -> int:
    """Deliver every queued mail that is due (retries, and mails whose job was never queued)."""
    ids = due_mail()
    transaction.commit()
    return deliver_now(ids) if ids else 0


@jobs.periodic_job(crontab(minute="*"))
def sweep() -> int:
    """Every minute: the mails waiting for a retry, or for a job that could not be queued."""
    return retry_due()


def is_due(mail: OutgoingMail) -> bool:
    return mail.status == QUEUED and as_utc(mail.next_attempt_at) <= utcnow()
