"""Enrolment, progress, quizzes and grading."""
