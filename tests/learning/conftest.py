"""A one-module course (lesson, case story, quiz), imported as the import command would."""

from __future__ import annotations

import pytest

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree
from tests.factories import ONE_MODULE_FILES


@pytest.fixture
def course(app, write_course):
    root = write_course(ONE_MODULE_FILES)
    with app.app_context(), unit_of_work():  # as the import command's unit of work would
        assert sync_tree(root).ok
    return root
