#!/usr/bin/env python3
# Copyright sealflow authors.
# Writes unsigned-two-pages.pdf: two A4 pages of Helvetica text, an Info dictionary with fixed
# dates and a fixed /ID, a classic xref table. Deterministic; the output is committed and the
# signing tests use it so that they do not depend on the forms component.
import os

PAGES = [
    ["Sealflow signing test fixture", "Page 1 of 2",
     "Xinxiang SME digital transformation pilot - service agreement"],
    ["Sealflow signing test fixture", "Page 2 of 2", "Signature block below"],
]


def content(lines):
    ops = ["BT", "/F1 14 Tf", "72 770 Td", "18 TL"]
    for line in lines:
        ops.append("(%s) Tj T*" % line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
    ops.append("ET")
    ops.append("0.5 w 72 100 200 60 re S")
    return "\n".join(ops).encode("ascii") + b"\n"


objects = []  # 1-based: objects[i-1] is object i
objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
n_pages = len(PAGES)
kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(n_pages))
objects.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)).encode())
objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
for i, lines in enumerate(PAGES):
    stream = content(lines)
    objects.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)).encode())
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
info_num = len(objects) + 1
objects.append(b"<< /Title (Sealflow signing fixture) /Producer (sealflow make-unsigned-pdf.py) "
               b"/CreationDate (D:20260101000000Z) >>")

out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for num, body in enumerate(objects, start=1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
for off in offsets:
    out += b"%010d 00000 n \n" % off
file_id = "5365616C666C6F772D666978747572"
out += ("trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, info_num, file_id, file_id, xref)).encode()

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "unsigned-two-pages.pdf"), "wb") as f:
    f.write(out)
