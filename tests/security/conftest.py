"""Security tests send hundreds of requests per test: rate limits off for them (tested in tests/auth)."""

from __future__ import annotations

import pytest


@pytest.fixture
def unlimited(app):
    from elearn.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True  # create_app reads the default from here: leave it as found
