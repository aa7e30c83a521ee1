"""A two-module course with a Latvian version, and a cohort lead.

The helpers that make cohorts and progress (make_cohort, join, work, finish) are in
tests/factories.py; they are imported here too for the modules that still import them
from this file.
"""

from __future__ import annotations

import pytest

# finish, join, make_cohort and work: tests/security import them from here
from tests.factories import TWO_MODULE_FILES, finish, import_course, join, make_cohort, work  # noqa: F401


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, TWO_MODULE_FILES)


@pytest.fixture
def lead(make_user):
    make_user("lead@example.org", name="Līga Lead", roles=("cohort_lead",))
    return "lead@example.org"
