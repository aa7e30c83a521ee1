"""A two-module course with a Latvian version, and a cohort lead (the helpers are in tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import TWO_MODULE_FILES, import_course


@pytest.fixture
def course(app, write_course):
    return import_course(app, write_course, TWO_MODULE_FILES)
