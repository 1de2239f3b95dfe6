"""The import page's form: a file and, for the rare file detection gets wrong, its format."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from webapp.transfer.sources import available_sources


def format_choices() -> list[tuple[str, str]]:
    return [("auto", "Detect it from the file")] + [
        (source.name, source.label) for source in available_sources()
    ]


class ImportForm(FlaskForm):
    file = FileField(
        "Export file",
        validators=[FileRequired("Choose the file your other app exported.")],
        description=(
            "A Goodreads, StoryGraph, LibraryThing, Libib or Calibre CSV export, "
            "or a Shelfmark export (.zip)."
        ),
    )
    format = SelectField("Format", default="auto")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.format.choices = format_choices()


class ConfirmForm(FlaskForm):
    """The buttons of an import's page (import, cancel, undo): only the CSRF token."""
