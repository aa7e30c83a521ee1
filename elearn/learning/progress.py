"""Progress in a learner's own course version: the one place that counts it.

A version's units are the source's units less those it hides, plus the units it adds
(country-only units): the units its module pages list and module completion waits for.
A learner's progress is the units of that version they have done, per module and in
all; a unit done before the version hid it does not count, and none is counted twice.

``/me/``, the course, module and unit pages and the cohort dashboard with its exports
all take their figures from here (:func:`of`, or in SQL :func:`counted`), so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, tuple_
from sqlalchemy.orm import QueryableAttribute

from elearn.courses import reading as rd


@dataclass(frozen=True, slots=True)
class ModuleProgress:
    slug: str
    units: tuple[str, ...]  # the version's units of the module, in order
    done: frozenset[str]  # those of them the learner has done

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def count(self) -> int:
        return len(self.done)

    @property
    def complete(self) -> bool:
        return self.count == self.total

    def position(self, unit_slug: str) -> int:
        """The unit's number in the module, from 1."""
        return self.units.index(unit_slug) + 1


@dataclass(frozen=True, slots=True)
class Progress:
    modules: dict[str, ModuleProgress]  # in the course's order

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules.values())

    @property
    def done(self) -> int:
        return sum(m.count for m in self.modules.values())

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def is_done(self, module_slug: str, unit_slug: str) -> bool:
        module = self.modules.get(module_slug)
        return module is not None and unit_slug in module.done


def version_units(reading: rd.Reading) -> tuple[tuple[str, str], ...]:
    """The (module, unit) slugs a learner of this course version is asked to do, in order.

    Made from the worker's copy of the course: no query."""
    return tuple((view.slug, unit.slug) for view in rd.modules(reading) for unit in rd.units(reading, view.module))


def of(reading: rd.Reading, done: Iterable[tuple[str, str]]) -> Progress:
    """The learner's progress in the reading's version, from the (module, unit) slugs they have done."""
    done_units = set(done)
    return Progress(
        {
            view.slug: ModuleProgress(
                view.slug,
                units := tuple(unit.slug for unit in rd.units(reading, view.module)),
                frozenset(slug for slug in units if (view.slug, slug) in done_units),
            )
            for view in rd.modules(reading)
        }
    )


def counted(
    module_slug: QueryableAttribute[str], unit_slug: QueryableAttribute[str], reading: rd.Reading
) -> ColumnElement[bool]:
    """A SQL condition true for progress rows of the version's units: what :func:`of` counts, for a query
    that counts in the database (the cohort dashboard)."""
    units = version_units(reading)
    if not units:
        return false()
    return tuple_(module_slug, unit_slug).in_(units)
