"""PDFs written byte by byte, for the benchmark and the tests: pages of lines
in one standard Type 1 font, which pdftotext reads back line by line, a form
feed after each page."""


def pdf_of(pages: list[str], font: str = "Helvetica", size: float = 12) -> bytes:
    """A valid PDF of the pages, each page's text a line after line (no
    parentheses or backslashes in it: they would need escaping)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               f"<< /Type /Font /Subtype /Type1 /BaseFont /{font} >>"]
    kids = []
    for page in pages:
        shown = " ".join(f"({line}) '" for line in page.split("\n"))
        stream = f"BT /F1 {size} Tf {size * 1.1:g} TL 10 770 Td {shown} ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
                       f" /Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = [b"%PDF-1.4\n"]
    offsets, length = [], len(out[0])
    for number, body in enumerate(objects, 1):
        offsets.append(length)
        out.append(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
        length += len(out[-1])
    out.append(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.append("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.append(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
               f"startxref\n{length}\n%%EOF\n".encode())
    return b"".join(out)
