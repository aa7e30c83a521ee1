"""Tables as files a funder or a lead opens in a spreadsheet: CSV (UTF-8 with BOM) and XLSX.

Numbers stay numbers (never "75 %" as text) and dates are dates, so sums and charts
work in Excel and LibreOffice. The byte-order mark makes Excel read UTF-8 names
(Ģirts, Żaneta, Đurđa) right.

Text never becomes a formula (CSV or formula injection: a learner named
``=HYPERLINK(...)``): in CSV a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading single quote, as OWASP advises; in XLSX every text cell
is written as a string cell, which no spreadsheet evaluates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font

TEXT, NUMBER, DECIMAL, DATE = "text", "number", "decimal", "date"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    label: str
    kind: str = TEXT


def _plain(value, kind):
    if value is None:
        return None
    if kind == DATE:
        return value.date() if isinstance(value, datetime) else value
    if kind == DECIMAL:
        return round(float(value), 1)
    return value


def _csv_text(value: str) -> str:
    """Text a spreadsheet opening the CSV shows as it is, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _csv_text(value)
    return value  # numbers, negative ones too, stay numbers


def to_csv(columns: list[Column], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(str(c.label)) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(_plain(v, c.kind)) for v, c in zip(row, columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(columns: list[Column], rows: list[list], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    sheet.append([str(c.label) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_plain(v, c.kind) for v, c in zip(row, columns, strict=True)])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                # openpyxl makes any text that begins with "=" a formula; a string cell is only text
                cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if column.kind == DATE:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        elif column.kind == DECIMAL:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0"
        sheet.column_dimensions[letter].width = min(40, max(10, len(str(column.label)) + 2))
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\ ."""
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip()
    return cleaned[:31] or "Sheet"
