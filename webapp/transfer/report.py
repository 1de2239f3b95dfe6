"""What an import did (or, in a dry run, would do), for the CLI, the API and the pages."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

CREATED_KINDS = ("books", "authors", "series", "readings", "reads", "posts", "shelves", "loans", "goals")
#: Lists shown to a person are capped: a 100,000-row report stays a page, not a file.
LIST_CAP = 500


@dataclass
class ImportReport:
    format: str
    rows: int = 0
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CREATED_KINDS, 0))
    matched: int = 0
    updated: int = 0
    #: {"row", "reason", "cells"}: every skipped row (cells are for the skipped-rows file).
    skipped: list[dict] = field(default_factory=list)
    #: {"row", "message"}, capped at LIST_CAP; ``warnings_total`` counts them all.
    warnings: list[dict] = field(default_factory=list)
    warnings_total: int = 0
    cancelled: bool = False
    #: The source file's header, for writing the skipped rows back in its own format.
    header: list[str] = field(default_factory=list)

    def skip(self, row: int, reason: str, cells: list[str]) -> None:
        self.skipped.append({"row": row, "reason": reason, "cells": list(cells)})

    def warn(self, row: int, message: str) -> None:
        self.warnings_total += 1
        if len(self.warnings) < LIST_CAP:
            self.warnings.append({"row": row, "message": message})

    def as_dict(self) -> dict:
        """The ``--json`` shape (no cells)."""
        return {
            "format": self.format,
            "rows": self.rows,
            "created": dict(self.created),
            "matched": self.matched,
            "updated": self.updated,
            "skipped": [{"row": entry["row"], "reason": entry["reason"]} for entry in self.skipped],
            "warnings": list(self.warnings),
            "warnings_total": self.warnings_total,
            "cancelled": self.cancelled,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ImportReport:
        return cls(**json.loads(text))

    def summary_lines(self) -> list[str]:
        """The report as a person reads it at a terminal."""
        made = ", ".join(f"{count} {kind}" for kind, count in self.created.items() if count) or "nothing"
        lines = [
            f"{self.format}: {self.rows} rows read",
            f"created: {made}",
            f"matched to books already in the library: {self.matched}",
        ]
        if self.cancelled:
            lines.append("cancelled: the rows before the cancel were imported")
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} rows:")
            lines += [f"  row {entry['row']}: {entry['reason']}" for entry in self.skipped]
        if self.warnings_total:
            lines.append(f"{self.warnings_total} values could not be read and were left empty:")
            lines += [f"  {entry['message']}" for entry in self.warnings[:20]]
            if self.warnings_total > 20:
                lines.append(f"  … and {self.warnings_total - 20} more")
        return lines
