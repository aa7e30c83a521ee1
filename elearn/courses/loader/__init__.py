"""Reading and validating a course folder (the format in ``docs/authoring.md``).

:func:`load_path` reads one course folder or a folder of courses and returns, per
course, a :class:`CourseData` tree with every markdown body already rendered and
sanitised, plus every problem found as a :class:`Problem` (``path:line: message``).
Nothing here touches the database: validation and import share this code, and the
importer only ever sees a course that loaded without a single problem.

The modules, from the folder to the tree:

- ``files``: a course folder's layout (numbered folders and files, stable ids, hashes);
- ``schemas``: the front matter each file may hold;
- ``reader``: one course folder being read, the problems found in it;
- ``links``: links and media in markdown bodies;
- ``units``: a unit per kind; ``quizzes``: a quiz's questions as stored;
- ``course``: the course, its modules and units; ``variants``: its variants under ``locales/``;
- ``data``: the tree a course loads into.

The names other packages use are imported here, so they import them from ``elearn.courses.loader``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elearn.courses.loader.course import load_course
from elearn.courses.loader.data import CourseData, ModuleData, Problem, TranslationData, UnitData, VariantData
from elearn.courses.loader.files import count_files, find_courses, numbered, stable_id
from elearn.courses.loader.links import MEDIA_EXTENSIONS
from elearn.courses.loader.quizzes import differing_questions, render_question
from elearn.courses.loader.reader import CourseReader
from elearn.courses.loader.schemas import KIND_KEYS
from elearn.courses.models import UNIT_KINDS

__all__ = [
    "KIND_KEYS",
    "MEDIA_EXTENSIONS",
    "UNIT_KINDS",
    "CourseData",
    "ModuleData",
    "Problem",
    "TranslationData",
    "UnitData",
    "VariantData",
    "count_files",
    "differing_questions",
    "find_courses",
    "load_path",
    "numbered",
    "render_question",
    "stable_id",
]


def load_path(
    path: Path, on_file: Callable[[str], None] | None = None
) -> list[tuple[Path, CourseData | None, list[Problem]]]:
    """Load every course under ``path``; problem paths are relative to ``path``."""
    path = Path(path)
    results = []
    for course_dir in find_courses(path):
        reader = CourseReader(course_dir, path, on_file)
        results.append((course_dir, load_course(reader), reader.problems))
    return results
