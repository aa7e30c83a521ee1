"""GDPR: every column that refers to a person is covered by export and erasure.

The columns are found in ``db.metadata`` (every ``elearn/*/models.py`` imported), not
listed by hand: a new table with a foreign key to ``user.id``, or a new column holding a
copy of a name or email, fails here until a ``personal_data`` module covers it. For each
covered column a row is made generically (parents included), then the export must change
and the erasure must delete the row or detach it from the person.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Text, Time, insert, select

import elearn
from elearn.auth import personal_data as registry
from elearn.auth.models import User
from elearn.auth.services import create_user
from elearn.core import signals
from elearn.extensions import db
from tests.conftest import post_form, sign_in

for _models in sorted(Path(elearn.__path__[0]).glob("*/models.py")):  # every domain's tables into db.metadata
    importlib.import_module(f"elearn.{_models.parent.name}.models")

# String columns whose name says they may hold a person's name or address
COPY_PATTERN = re.compile(r"(^|_)(e?mail|name|person)$")
# ... and those that hold something else; say why
NOT_A_PERSON = {
    "board_organisation.name": "an organisation's name",
    "board_saved_filter.name": "the label a user gave a saved filter (covered with its user_id)",
    "cohort.name": "a training group's name",
    "certificate.issuer_name": "the issuing organisation",
}


def user_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in db.metadata.tables.values()
        for column in table.columns
        if any(fk.column.table.name == "user" for fk in column.foreign_keys)
    }


def copy_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in db.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String) and COPY_PATTERN.search(column.name) and not column.foreign_keys
    } - set(NOT_A_PERSON)


PERSONAL = sorted(user_columns() | copy_columns())


def test_every_column_referring_to_a_person_is_covered():
    covered = registry.covered_columns()
    missing = sorted(set(PERSONAL) - covered)
    assert missing == [], (
        f"columns that refer to a user or copy a name/email, covered by no "
        f"elearn/<domain>/personal_data.py COLUMNS: {missing}"
    )
    assert "user.id" not in covered and len(PERSONAL) >= 20
    unknown = sorted(
        column
        for column in covered
        if column.split(".")[0] not in db.metadata.tables
        or column.split(".")[1] not in db.metadata.tables[column.split(".")[0]].columns
    )
    assert unknown == [], f"COLUMNS name columns that do not exist: {unknown}"
    assert set(registry.kept_columns()) <= covered


def test_every_personal_data_module_is_connected_to_the_domain_events():
    on_disk = {path.parent.name for path in Path(elearn.__path__[0]).glob("*/personal_data.py")} - {"auth"}
    modules = registry.modules()
    assert modules[0] is registry
    connected = {module.__name__.split(".")[1] for module in modules[1:]}
    assert on_disk - connected == set(), "import these domains' personal_data modules in elearn/__init__.py"
    for module in modules:
        assert callable(module.export) and callable(module.erase) and isinstance(module.COLUMNS, set)
    assert [module.NAME for module in modules] == [
        "account",
        "learning",
        "certificates",
        "localisation",
        "cohorts",
        "board",
        "notifications",
    ]


def test_importing_the_app_connects_every_personal_data_module():
    """What the app itself connects, without this package's conftest (a fresh interpreter)."""
    code = (
        "import elearn\n"
        "from elearn.auth import personal_data\n"
        "print(' '.join(module.NAME for module in personal_data.modules()))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == [
        "account",
        "learning",
        "certificates",
        "localisation",
        "cohorts",
        "board",
        "notifications",
    ]


def test_the_export_file_keeps_its_keys_in_their_order(app, make_user):
    with app.test_request_context():
        user = db.session.get(User, make_user("keys@example.org"))
        data = registry.export_all(user)
    assert list(data) == [
        "format",
        "version",
        "exported_at",
        "account",
        "learning",
        "certificates",
        "localisation",
        "cohorts",
        "board",
        "notifications",
    ]
    assert data["format"] == "elearn personal data" and data["version"] == 1
    assert data["account"]["email"] == "keys@example.org" and data["cohorts"]["member_of"] == []


# ---------------------------------------------------------------- a row for every covered column

_counter = itertools.count(1)


def sample(column):
    """A value the column accepts, unique enough for unique constraints."""
    n = next(_counter)
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return n
    if isinstance(kind, Float):
        return 1.5
    if isinstance(kind, DateTime):
        return datetime.now(UTC)
    if isinstance(kind, Date):
        return date.today()
    if isinstance(kind, Time):
        return time(12, 0)
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, String | Text):
        value = f"v{n}"
        return value[: kind.length] if getattr(kind, "length", None) else value
    raise AssertionError(f"no sample for {column}: extend sample() in {__file__}")


def make_row(table, values: dict, *, person_id: int) -> dict:
    """Insert a row of ``table``: ``values``, then every required column (parents made recursively)."""
    row = {}
    for column in table.columns:
        if column.name in values:
            row[column.name] = values[column.name]
        elif column.foreign_keys:
            if column.nullable:
                continue
            fk = next(iter(column.foreign_keys))
            if fk.column.table.name == "user":
                row[column.name] = person_id
            else:
                parent = make_row(fk.column.table, {}, person_id=person_id)
                row[column.name] = parent[fk.column.name]
        elif column.primary_key and isinstance(column.type, Integer) and len(table.primary_key.columns) == 1:
            continue  # autoincrement
        elif column.nullable or column.default is not None or column.server_default is not None:
            continue
        else:
            row[column.name] = sample(column)
    result = db.session.execute(insert(table).values(**row))
    for column, value in zip(table.primary_key.columns, result.inserted_primary_key, strict=True):
        row[column.name] = value
    return row


def exported(user) -> str:
    data = registry.export_all(user)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True, ensure_ascii=False)  # no default=: modules return plain JSON


@pytest.mark.parametrize("qualified", PERSONAL)
def test_export_shows_and_erasure_removes_each_column(app, qualified):
    table_name, column_name = qualified.split(".")
    assert qualified in registry.covered_columns(), f"{qualified} is covered by no personal_data module"
    table = db.metadata.tables[table_name]
    with app.test_request_context():
        subject = create_user(
            email="probe.person@example.org", name="Zuzanna Probe-Person", password="a long probe passphrase"
        )
        other = create_user(email="someone.else@example.org", name="Someone Else", password="another passphrase x")
        subject_id = subject.id
        if table_name == "user":
            row, copied = {"id": subject_id}, getattr(subject, column_name)
            before = None
        else:
            before = exported(subject)
            copied = None
            if column_name in table.columns and table.columns[column_name].foreign_keys:
                values = {column_name: subject_id}
                person = other.id  # any other user column in the row is someone else
            else:

                def copy_of(name):
                    return subject.email if "mail" in name else subject.name

                copied = copy_of(column_name)
                # the row's other name/email copies are the person's too (an invitation: name and address)
                values = {
                    name: copy_of(name)
                    for name, column in table.columns.items()
                    if f"{table_name}.{name}" in PERSONAL and not column.foreign_keys
                }
                person = subject_id  # a copy of the name sits in a row of theirs
            row = make_row(table, values, person_id=person)
            db.session.commit()
        after = exported(subject)
        assert after != before, f"export does not change when a {qualified} row refers to the person"
        if copied is not None:
            assert copied in after, f"the export lacks the {qualified} value"

        registry.erase_account(subject)
        key = [table.columns[name] == row[name] for name in (c.name for c in table.primary_key.columns)]
        kept = db.session.execute(select(table).where(*key)).mappings().first()
        assert db.session.get(User, subject_id) is None
        if kept is None or qualified in registry.kept_columns():
            return
        value = kept[column_name]
        if copied is not None:
            assert value != copied, f"{qualified} still holds the person's name or email"
        else:
            assert value != subject_id
            if value is not None:  # detached to an anonymous row, which holds nothing of the person
                twin = db.session.get(User, value)
                assert twin.erased_at is not None and twin.name == "" and twin.email.endswith("@erased.invalid")


@pytest.mark.parametrize("order", ["as connected", "reversed"])
def test_deleting_an_account_through_the_page_erases_every_domains_data(app, client, monkeypatch, order):
    """One person with a row for every covered column, deleted with the profile page's button.

    The domains' receivers of ``account_erasing`` do the work, in the request's one
    transaction; run in the reverse order they give the same result (no domain's erasure
    depends on another's)."""
    if order == "reversed":
        signal = signals.account_erasing
        connected = signal.send

        def send_reversed(sender, **kwargs):
            assert len(list(signal.receivers_for(sender))) == 6, "a domain's personal_data is not connected"
            return [(receiver, receiver(sender, **kwargs)) for receiver in reversed(list(signal.receivers_for(sender)))]

        monkeypatch.setattr(signal, "send", send_reversed)
        assert connected is not signal.send
    password = "a long probe passphrase"
    rows = {}
    with app.test_request_context():
        subject = create_user(email="probe.person@example.org", name="Zuzanna Probe-Person", password=password)
        other = create_user(email="someone.else@example.org", name="Someone Else", password="another passphrase x")
        subject_id, subject_name, subject_email = subject.id, subject.name, subject.email
        for qualified in PERSONAL:
            table_name, column_name = qualified.split(".")
            if table_name == "user":
                continue
            table = db.metadata.tables[table_name]
            if table.columns[column_name].foreign_keys:
                values, person = {column_name: subject_id}, other.id
            else:
                values = {
                    name: subject_email if "mail" in name else subject_name
                    for name, column in table.columns.items()
                    if f"{table_name}.{name}" in PERSONAL and not column.foreign_keys
                }
                person = subject_id
            rows[qualified] = (table, make_row(table, values, person_id=person))
        db.session.commit()
    assert {qualified.split(".")[0] for qualified in rows} >= {
        "enrolment",
        "certificate",
        "cohort_member",
        "board_post",
        "notification",
    }

    sign_in(client, "probe.person@example.org", password)
    response = post_form(client, "/me/delete", {"password": password}, page_url="/me/profile")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    with app.app_context():
        assert db.session.get(User, subject_id) is None
        for qualified, (table, row) in rows.items():
            column_name = qualified.split(".")[1]
            key = [table.columns[name] == row[name] for name in (c.name for c in table.primary_key.columns)]
            kept = db.session.execute(select(table).where(*key)).mappings().first()
            if kept is None or qualified in registry.kept_columns():
                continue
            if table.columns[column_name].foreign_keys:
                assert kept[column_name] != subject_id, f"{qualified} still refers to the person"
            else:
                assert kept[column_name] not in (subject_name, subject_email), f"{qualified} still holds the person"
