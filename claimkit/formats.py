"""Formats: the export formats by name, and the file extensions that pick them."""
import os
from collections.abc import Callable

from claimkit.claimreview import claimreview_notes, render_claimreview
from claimkit.export_data import render_csv, render_json
from claimkit.html_page import html_notes, render_html
from claimkit.markdown import render_markdown
from claimkit.model import record


# name → how it is written, and the file extensions that mean it.
@record
class Format:
    """An export format: its renderer and the file extensions that pick it."""

    render: Callable
    extensions: tuple[str, ...]
    machine: bool  # data for programs: a filtered count goes to stderr
    notes: Callable | None = None  # (document, claims) → lines for stderr


FORMATS = {
    "json": Format(render=render_json, extensions=(".json",), machine=True),
    "markdown": Format(render=render_markdown, extensions=(".md", ".markdown"), machine=False),
    "csv": Format(render=render_csv, extensions=(".csv",), machine=True),
    "claimreview": Format(render=render_claimreview, extensions=(".jsonld",), machine=True,
                          notes=claimreview_notes),
    "html": Format(render=render_html, extensions=(".html", ".htm"), machine=False,
                   notes=html_notes),
}


def format_for(path: str) -> str | None:
    """The format a file name's extension asks for, if any."""
    extension = os.path.splitext(path)[1].lower()
    return next((name for name, fmt in FORMATS.items() if extension in fmt.extensions), None)
