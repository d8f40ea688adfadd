"""PDF documents written with fpdf2 (the demo's letters, training certificates): one place that
picks a font able to print French and, failing that, makes text fit the core fonts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")

# Without DejaVu the core fonts only know latin-1: French letters are there, not these.
_LATIN1 = str.maketrans(
    {
        "€": "EUR",
        "œ": "oe",
        "Œ": "OE",
        "—": "-",
        "–": "-",
        "’": "'",
        "…": "...",
        "•": "-",
        "·": "-",
        "\u202f": "\u00a0",
    }
)


@dataclass(frozen=True)
class PdfFonts:
    """The font family to use and how to pass text to it."""

    family: str
    is_unicode: bool

    @property
    def bullet(self) -> str:
        return "•" if self.is_unicode else "-"

    def text(self, value: str) -> str:
        if self.is_unicode:
            return value
        return value.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def new_pdf(
    *, title: str, author: str, margins: tuple[float, float, float], bottom: float
) -> tuple[Any, PdfFonts]:
    """An A4 document with its first page added, and the fonts to write it with (DejaVu when
    the system has it, else Helvetica with text reduced to latin-1)."""
    from fpdf import FPDF

    # fpdf2 subsets TrueType fonts with fontTools, which logs every table at INFO level.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("Maillage")
    pdf.set_margins(*margins)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    pdf.add_page()
    if FONT.exists() and FONT_BOLD.exists():
        pdf.add_font("DejaVu", style="", fname=str(FONT))
        pdf.add_font("DejaVu", style="B", fname=str(FONT_BOLD))
        return pdf, PdfFonts("DejaVu", is_unicode=True)
    return pdf, PdfFonts("Helvetica", is_unicode=False)
