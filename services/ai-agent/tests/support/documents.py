"""Small documents of every format, made in the test: a PDF written by hand (one page,
one text line per sentence), a DOCX through python-docx."""

from __future__ import annotations

import io

import docx

__all__ = ["docx_bytes", "pdf_bytes"]


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica (ASCII text)."""
    shown = "".join(
        f"BT /F1 12 Tf 72 {720 - 16 * i} Td ({line.replace('(', '[').replace(')', ']')}) Tj ET\n"
        for i, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(shown) + shown + b"endstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_bytes(sections: list[tuple[str, int, list[str]]], *, title: str | None = None) -> bytes:
    """A DOCX with ``(heading, level, paragraphs)`` sections, and a table of two cells."""
    document = docx.Document()
    if title:
        document.add_heading(title, level=0)
    for heading, level, paragraphs in sections:
        document.add_heading(heading, level=level)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Plano Ouro"
    table.rows[0].cells[1].text = "R$ 99 por mês"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
