"""Notifications: what happened that someone should hear about, in the site and by mail.

A domain sends :data:`elearn.core.signals.notify` with a kind of :mod:`.kinds`, the people
to tell and a payload (titles, a reason, the path of the page); :mod:`.receivers` stores a
:class:`.models.Notification` for each of them and, as each person chose for that kind on
their settings page, queues a mail through the outbox (sent after the commit, by the job
queue), keeps it for the daily digest (:mod:`.tasks`), or mails nothing. The page header
shows the unread count (one column of the signed-in user's query: no extra statement), and
every mail carries a one-click unsubscribe link for its kind (RFC 8058). docs/notifications.md
is the users' side.
"""
