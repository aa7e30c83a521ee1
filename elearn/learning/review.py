"""What a quiz's result page shows, as Moodle's review options: the trainer sets it per quiz.

``show_feedback`` and ``show_answers`` in a quiz's front matter (documented in
``docs/authoring.md``) each say when the result page shows the questions' feedback and
their right answers: ``always``, ``after-passing`` (once the learner has passed the quiz),
``after-last-attempt`` (once they have passed it or used their last attempt) or ``never``.
The defaults keep a failed attempt with attempts left from giving the next one away: the
feedback is shown, the right answers only after passing or the last attempt. Whether each
answer was right, and the score, are always shown. What is not shown is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULTS = {"show_feedback": "always", "show_answers": "after-last-attempt"}


@dataclass(frozen=True, slots=True)
class Review:
    feedback: bool
    right_answers: bool
    passed: bool  # the learner has passed the quiz (any attempt)
    attempts_left: int | None  # None: no limit
    open_attempt: int | None  # the number of an attempt started and not submitted
    answers_when: str  # the quiz's show_answers

    @property
    def can_try_again(self) -> bool:
        return self.open_attempt is None and self.attempts_left != 0


def of(meta: dict, attempts: Sequence) -> Review:
    """The review the learner gets with these attempts (``attempt_summaries``: number, submitted_at, passed)."""
    limit = meta.get("attempts") or 0
    passed = any(a.passed for a in attempts if a.submitted_at is not None)
    left = None if not limit else max(0, limit - len(attempts))
    open_attempt = next((a.number for a in attempts if a.submitted_at is None), None)
    last_used = left == 0 and open_attempt is None

    def shown(key: str) -> bool:
        when = meta.get(key) or DEFAULTS[key]
        return (
            when == "always"
            or (when == "after-passing" and passed)
            or (when == "after-last-attempt" and (passed or last_used))
        )

    return Review(
        shown("show_feedback"),
        shown("show_answers"),
        passed,
        left,
        open_attempt,
        meta.get("show_answers") or DEFAULTS["show_answers"],
    )
