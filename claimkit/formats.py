"""Formats: the export formats by name, and the file extensions that pick them."""
import os
from collections.abc import Callable

from claimkit.annotations import annotation_notes, render_annotations
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
    # render and notes take texts= too: the article's and the paper's texts
    # that `export --article/--paper` read (annotations.Texts)
    reads_texts: bool = False


FORMATS = {
    "json": Format(render=render_json, extensions=(".json",), machine=True),
    "markdown": Format(render=render_markdown, extensions=(".md", ".markdown"), machine=False),
    "csv": Format(render=render_csv, extensions=(".csv",), machine=True),
    "claimreview": Format(render=render_claimreview, extensions=(".jsonld",), machine=True,
                          notes=claimreview_notes),
    "html": Format(render=render_html, extensions=(".html", ".htm"), machine=False,
                   notes=html_notes),
    # W3C Web Annotations are JSON-LD too: .anno.jsonld tells them from ClaimReview's.
    "annotations": Format(render=render_annotations, extensions=(".anno.jsonld",),
                          machine=True, notes=annotation_notes, reads_texts=True),
}


def format_for(path: str) -> str | None:
    """The format a file name's extension asks for, if any: the longest
    extension it ends in (x.anno.jsonld is annotations, x.jsonld claimreview)."""
    name = os.path.basename(path).lower()
    found = [(len(extension), fmt_name) for fmt_name, fmt in FORMATS.items()
             for extension in fmt.extensions if name.endswith(extension)]
    return max(found)[1] if found else None


def text_readers() -> str:
    """The export formats that take --article and --paper."""
    return ", ".join(name for name, fmt in FORMATS.items() if fmt.reads_texts)
