"""Security tests send hundreds of requests per test: rate limits off for them (tested in tests/auth)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest

import elearn

# create_app does not import the domains' personal_data modules yet (elearn/__init__.py is the
# lead's: the lines are asked for); importing them connects their receivers to the domain events.
for _module in sorted(Path(elearn.__path__[0]).glob("*/personal_data.py")):
    import_module(f"elearn.{_module.parent.name}.personal_data")


@pytest.fixture
def unlimited(app):
    from elearn.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True  # create_app reads the default from here: leave it as found
