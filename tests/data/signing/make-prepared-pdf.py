#!/usr/bin/env python3
# Copyright sealflow authors.
# Writes prepared-two-fields.pdf: what the service issues for "the signer keeps the key" — one
# A4 page with two empty signature fields (provider, county; merged field/widget dictionaries
# with a rectangle each) and a filled text field (remark), an indirect AcroForm, an Info
# dictionary with fixed dates and a fixed /ID, a classic xref table. Deterministic; the output is
# committed and tests/signing/prepared_test.cc uses it.
import os

CONTENT = b"""BT
/F1 14 Tf
72 770 Td
18 TL
(Sealflow prepared document) Tj T*
(Sign the provider field with your own key) Tj T*
ET
0.5 w 50 50 200 70 re S
0.5 w 300 50 200 70 re S
"""

objects = [
    b"<< /Type /Catalog /Pages 2 0 R /AcroForm 9 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
    b" /Contents 4 0 R /Annots [6 0 R 7 0 R 8 0 R] >>",
    b"<< /Length %d >>\nstream\n" % len(CONTENT) + CONTENT + b"endstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /FT /Sig /T (provider) /Type /Annot /Subtype /Widget /Rect [50 50 250 120] /F 4 /P 3 0 R >>",
    b"<< /FT /Sig /T (county) /Type /Annot /Subtype /Widget /Rect [300 50 500 120] /F 4 /P 3 0 R >>",
    b"<< /FT /Tx /T (remark) /V (ready for signing) /DA (/F1 10 Tf 0 g) /Type /Annot /Subtype /Widget"
    b" /Rect [72 700 400 720] /F 4 /P 3 0 R >>",
    b"<< /Fields [6 0 R 7 0 R 8 0 R] /DA (/F1 0 Tf 0 g) /DR << /Font << /F1 5 0 R >> >> >>",
    b"<< /Title (Sealflow prepared document) /Producer (make-prepared-pdf.py)"
    b" /CreationDate (D:20260301080000+00'00') /ModDate (D:20260301080000+00'00') >>",
]

out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = []
for number, body in enumerate(objects, start=1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
for offset in offsets:
    out += b"%010d 00000 n \n" % offset
out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 10 0 R"
        b" /ID [<5EA1F10A0000000000000000000000AA> <5EA1F10A0000000000000000000000AA>] >>\n"
        % (len(objects) + 1))
out += b"startxref\n%d\n%%%%EOF\n" % xref
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "prepared-two-fields.pdf"),
          "wb") as f:
    f.write(out)
