"""Security tests send hundreds of requests per test: rate limits off for them (tested in tests/auth)."""

from __future__ import annotations

import pytest

from tests.factories import TWO_MODULE_FILES, import_course


@pytest.fixture
def course(app, write_course):
    """The two-module course with a Latvian version that tests/cohorts uses."""
    return import_course(app, write_course, TWO_MODULE_FILES)


@pytest.fixture
def unlimited(app):
    from elearn.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True  # create_app reads the default from here: leave it as found
