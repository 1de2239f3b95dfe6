"""The rows an import skipped, written back in their source's own format, so a person
can fix them in a spreadsheet and import that file again."""

from __future__ import annotations

import csv
import io

from webapp.transfer.csv_safety import neutralise
from webapp.transfer.report import ImportReport
from webapp.transfer.sources import source_named


def skipped_rows_file(report: ImportReport) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads the accents right), the source's header
    and delimiter; rows without cells (a Calibre book) are left out: there is no row to
    give back."""
    delimiter = source_named(report.format).skipped_delimiter
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if report.header:
        writer.writerow([neutralise(cell) for cell in report.header])
    for entry in report.skipped:
        if entry.get("cells"):
            writer.writerow([neutralise(cell) for cell in entry["cells"]])
    return out.getvalue().encode("utf-8-sig")


def skipped_file_name(report: ImportReport, file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] or "import"
    extension = "tsv" if source_named(report.format).skipped_delimiter == "\t" else "csv"
    return f"{stem}-skipped-rows.{extension}"
