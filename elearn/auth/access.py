"""Who may open which route: every endpoint of the app has exactly one rule here.

A request to an endpoint without a rule is refused (403) and logged, and
``tests/auth/test_access.py`` walks every route with every role, so a new route
without a rule fails the suite. Object-level checks (a learner's own progress,
attempts and certificates) live in the services that load those objects.

Routes that are not elearn's own (the benchmark's reference pages in ``benchmarks/``)
get their rules on the one app that registers them, with :func:`allow`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from elearn.auth.models import ADMIN, COHORT_LEAD, PARTNER_ADMIN, TRAINER


@dataclass(frozen=True)
class Rule:
    signed_in: bool = False
    roles: frozenset[str] = frozenset()  # any of these; empty = any signed-in user

    def allows(self, user) -> bool:
        if not self.signed_in:
            return True
        return user.is_authenticated and (not self.roles or user.has_role(*self.roles))


PUBLIC = Rule()
SIGNED_IN = Rule(signed_in=True)


def any_of(*roles: str) -> Rule:
    return Rule(signed_in=True, roles=frozenset(roles))


STAFF = any_of(ADMIN, TRAINER, PARTNER_ADMIN, COHORT_LEAD)

RULES: dict[str, Rule] = {
    "static": PUBLIC,
    "core.home": PUBLIC,
    "core.health": PUBLIC,
    "core.favicon": PUBLIC,
    "core.accessibility": PUBLIC,
    # reading courses is open to everyone; learning needs an account
    "courses.catalogue": PUBLIC,
    "courses.course": PUBLIC,
    "courses.module": PUBLIC,
    "courses.unit": PUBLIC,
    "courses.media": PUBLIC,
    # accounts
    "auth.register": PUBLIC,
    "auth.confirm": PUBLIC,
    "auth.resend_confirmation": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.profile": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.delete_account": SIGNED_IN,
    "auth.export_data": SIGNED_IN,
    "auth.admin_users": any_of(ADMIN),
    "auth.admin_user": any_of(ADMIN),
    "auth.admin_grant": any_of(ADMIN),
    "auth.admin_revoke": any_of(ADMIN),
    # failed mail: recipients and errors are for admins only
    "mail_admin.failed": any_of(ADMIN),
    "mail_admin.retry": any_of(ADMIN),
    "mail_admin.retry_all": any_of(ADMIN),
    # certificates: anyone can verify; admins, and leads of the learner's cohort, revoke (checked in the view)
    "certificates.verify": PUBLIC,
    "certificates.pdf": PUBLIC,
    "certificates.credential": PUBLIC,
    "certificates.badge": PUBLIC,
    "certificates.status": PUBLIC,
    "certificates.issuer": PUBLIC,
    "certificates.revoke": any_of(ADMIN, COHORT_LEAD),
    # localisation: admins and partner admins; which variants, the localisation services check
    "localisation.overview": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.variant_status": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.editor": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.history": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.revert": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.visibility": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.new_unit": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.edit_local_unit": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.delete_local_unit": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.course_text": any_of(ADMIN, PARTNER_ADMIN),
    "localisation.module_text": any_of(ADMIN, PARTNER_ADMIN),
    # cohorts: leads and admins manage theirs, partner admins read their versions' (object rules in
    # cohorts.services); anyone may open an invitation link, joining needs an account
    "cohorts.index": any_of(ADMIN, COHORT_LEAD, PARTNER_ADMIN),
    "cohorts.new": any_of(ADMIN, COHORT_LEAD),
    "cohorts.edit": any_of(ADMIN, COHORT_LEAD),
    "cohorts.new_code": any_of(ADMIN, COHORT_LEAD),
    "cohorts.dashboard": any_of(ADMIN, COHORT_LEAD, PARTNER_ADMIN),
    "cohorts.export": any_of(ADMIN, COHORT_LEAD, PARTNER_ADMIN),
    "cohorts.remove_member": any_of(ADMIN, COHORT_LEAD),
    "cohorts.invite": any_of(ADMIN, COHORT_LEAD),
    "cohorts.reminders": any_of(ADMIN, COHORT_LEAD),
    "cohorts.resend_invitations": any_of(ADMIN, COHORT_LEAD),
    "cohorts.resend_reminders": any_of(ADMIN, COHORT_LEAD),
    "cohorts.reminder_schedule": any_of(ADMIN, COHORT_LEAD),
    "cohorts.find": PUBLIC,
    "cohorts.join": PUBLIC,
    "cohorts.join_confirm": SIGNED_IN,
    "cohorts.leave": SIGNED_IN,
    "cohorts.report_page": any_of(ADMIN, PARTNER_ADMIN),
    "cohorts.report_export": any_of(ADMIN, PARTNER_ADMIN),
    # learning
    "learning.dashboard": SIGNED_IN,
    "learning.enrol": SIGNED_IN,
    "learning.change_variant": SIGNED_IN,
    "learning.mark_done": SIGNED_IN,
    "learning.mark_not_done": SIGNED_IN,
    "learning.start_attempt": SIGNED_IN,
    "learning.attempt": SIGNED_IN,
    "learning.submit_attempt": SIGNED_IN,
    # networking board: reading and feeds are public; writing needs an account; moderators are admins and
    # partner admins, whose countries (and authors' and organisation admins' rights) elearn.board.services checks
    "board.index": PUBLIC,
    "board.feed": PUBLIC,
    "board.calendar": PUBLIC,
    "board.post": PUBLIC,
    "board.post_ics": PUBLIC,
    "board.organisations": PUBLIC,
    "board.organisation": PUBLIC,
    "board.organisation_logo": PUBLIC,  # of an organisation the visitor may see (elearn.board.permissions)
    "board.unsubscribe": PUBLIC,  # the signed token in the link is the credential (RFC 8058 one-click)
    "board.new_post": SIGNED_IN,
    "board.edit_post": SIGNED_IN,
    "board.delete_post": SIGNED_IN,
    "board.extend_post": SIGNED_IN,  # the author or a moderator of the post's country (elearn.board.permissions)
    "board.reply": SIGNED_IN,
    "board.report_post": SIGNED_IN,
    "board.report_reply": SIGNED_IN,
    "board.contact": SIGNED_IN,
    "board.message": SIGNED_IN,
    "board.join": SIGNED_IN,
    "board.edit_organisation": SIGNED_IN,
    "board.organisation_logo_upload": SIGNED_IN,  # the organisation's admins and moderators
    "board.request_membership": SIGNED_IN,
    "board.leave_organisation": SIGNED_IN,
    "board.member": SIGNED_IN,
    "board.my_filters": SIGNED_IN,
    "board.my_posts": SIGNED_IN,  # a user's own: the query is by their id
    "board.inbox": SIGNED_IN,
    "board.save_filter": SIGNED_IN,
    "board.filter_frequency": SIGNED_IN,
    "board.delete_filter": SIGNED_IN,
    "board.moderation": any_of(ADMIN, PARTNER_ADMIN),
    "board.audit_log": any_of(ADMIN, PARTNER_ADMIN),
    "board.moderate_post": any_of(ADMIN, PARTNER_ADMIN),
    "board.moderate_reply": any_of(ADMIN, PARTNER_ADMIN),
    "board.dismiss_report": any_of(ADMIN, PARTNER_ADMIN),
    "board.declaration": any_of(ADMIN, PARTNER_ADMIN),
    # notifications: each person's own (the services read only the signed-in user's); the unsubscribe link's
    # signed token is its credential (RFC 8058 one-click, no sign-in)
    "notifications.index": SIGNED_IN,
    "notifications.read": SIGNED_IN,
    "notifications.read_all": SIGNED_IN,
    "notifications.settings": SIGNED_IN,
    "notifications.unsubscribe": PUBLIC,
}


_EXTRA = "elearn.access.extra_rules"  # app.extensions key: endpoint -> Rule added with allow()


def allow(app: Flask, endpoint: str, rule: Rule) -> None:
    """Give ``endpoint`` a rule on ``app`` alone, for a blueprint registered from outside elearn.

    Other apps in the process are unaffected, and an endpoint of :data:`RULES` keeps its rule
    (a ``ValueError`` says so), so elearn's own routes are decided in this file only.
    """
    if endpoint in RULES:
        raise ValueError(f"{endpoint} already has a rule in elearn/auth/access.py")
    app.extensions.setdefault(_EXTRA, {})[endpoint] = rule


def rule_for(endpoint: str) -> Rule | None:
    """The current app's rule for ``endpoint``: this file's, else one given with :func:`allow`."""
    rule = RULES.get(endpoint)
    if rule is None:
        rule = current_app.extensions.get(_EXTRA, {}).get(endpoint)
    return rule


def enforce() -> Response | None:
    """``before_request``: apply the endpoint's rule."""
    if request.endpoint is None:  # no route matched: the router answers 404 / 405
        return None
    rule = rule_for(request.endpoint)
    if rule is None:
        current_app.logger.error("No access rule for endpoint %s: refused", request.endpoint)
        abort(403)
    if rule.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    abort(403)
