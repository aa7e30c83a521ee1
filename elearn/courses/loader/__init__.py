"""Reading and validating a course folder (the format in ``docs/authoring.md``).

:func:`load_path` reads one course folder or a folder of courses and returns, per
course, a :class:`CourseData` tree with every markdown body already rendered and
sanitised, plus every error found as a :class:`Problem` (``path:line: message``).
Nothing here touches the database: validation and import share this code, and the
importer only ever sees a course that loaded without a single error.

**Errors and warnings.** An error (a broken link, a missing key…) stops the course's
import; a warning (a file in the wrong place, a translation's path in the old form…)
does not: the course is complete without it, but the trainer should know. So that the
importer, which fails a course on any problem ``load_path`` returns, stays as it is,
``load_path`` returns only errors in its problems, and warnings go to the list given as
``warnings=`` (``flask courses validate`` prints both, and ``--strict`` fails on
warnings). A caller that gives no list still never drops them silently: they are logged
at WARNING level on the ``elearn.courses.loader`` logger, which is how ``flask courses
import`` shows them. ``str(problem)`` reads ``path:line: warning: message`` for a warning.

The modules, from the folder to the tree:

- ``files``: a course folder's layout (numbered folders and files, stable ids, hashes);
- ``layout``: files and folders in the wrong place, reported instead of ignored;
- ``schemas``: the front matter each file may hold;
- ``reader``: one course folder being read, the problems found in it;
- ``links``: links and media in markdown bodies;
- ``units``: a unit per kind; ``quizzes``: a quiz's questions as stored;
- ``course``: the course, its modules and units; ``variants``: its variants under ``locales/``;
- ``data``: the tree a course loads into.

The names other packages use are imported here, so they import them from ``elearn.courses.loader``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from elearn.courses.loader.course import load_course
from elearn.courses.loader.data import (
    ERROR,
    WARNING,
    CourseData,
    ModuleData,
    Problem,
    TranslationData,
    UnitData,
    VariantData,
)
from elearn.courses.loader.files import count_files, file_version, find_courses, numbered, stable_id
from elearn.courses.loader.layout import check_folder_of_courses
from elearn.courses.loader.links import MEDIA_EXTENSIONS
from elearn.courses.loader.media import front_matter
from elearn.courses.loader.quizzes import differing_questions, render_question
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.schemas import KIND_KEYS
from elearn.courses.models import UNIT_KINDS

__all__ = [
    "ERROR",
    "KIND_KEYS",
    "MEDIA_EXTENSIONS",
    "UNIT_KINDS",
    "WARNING",
    "CourseData",
    "ModuleData",
    "Problem",
    "TranslationData",
    "UnitData",
    "VariantData",
    "count_files",
    "differing_questions",
    "file_version",
    "find_courses",
    "front_matter",
    "load_path",
    "numbered",
    "render_question",
    "stable_id",
]


log = logging.getLogger(__name__)


def load_path(
    path: Path, on_file: Callable[[str], None] | None = None, *, warnings: list[Problem] | None = None
) -> list[tuple[Path, CourseData | None, list[Problem]]]:
    """Load every course under ``path``: (folder, tree or None, errors) per course.

    Problem paths are relative to ``path``. Warnings are appended to ``warnings``, or
    logged when it is None (see the module's docstring)."""
    path = Path(path)
    results = []
    found: list[Problem] = [
        Problem(folder.relative_to(path).as_posix(), 1, reason, WARNING)
        for folder, reason in check_folder_of_courses(path)
    ]
    for course_dir in find_courses(path):
        reader = CourseReader(course_dir, path, on_file)
        results.append((course_dir, load_course(reader), reader.problems))
        found.extend(reader.warnings)
    if warnings is None:
        for problem in found:
            log.warning("%s", problem)
    else:
        warnings.extend(found)
    return results
