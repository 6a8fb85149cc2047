#!/usr/bin/env python3
# Copyright sealflow authors.
# Writes the attack corpus under attacks/ and its manifest EXPECTED.txt (file, expected document
# verdict, expected sub-indication of the signature that must catch it, tab separated).
#
#   tests/data/signing/make-attacks.py build/bin/sealflow
#
# Every file starts from our own signatures: `sealflow sign` on unsigned-two-pages.pdf (with, for
# the shadow attacks, an unsigned revision that adds an overlay or an unused object first). Where
# our signer cannot produce the document yet (a certification signature with /Perms /DocMDP, a
# visible new signature field), this script writes the incremental update itself and has
# `openssl cms -sign -cades` sign the byte ranges with tests/data/pki/provider.key. The attacks
# are then incremental updates or byte edits made here, each named for what it shows.
# Output depends on the signing time only through openssl's signingTime attribute in the
# certified documents; the committed files are what the tests read.
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKI = os.path.join(HERE, "..", "pki")
OUT = os.path.join(HERE, "attacks")
DATE = b"(D:20260301080000+00'00')"


def sealflow_sign(sealflow, pdf, field):
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "out.pdf")
        open(src, "wb").write(pdf)
        subprocess.run([sealflow, "sign", src, "-o", dst, "--key", os.path.join(PKI, "provider.key"),
                        "--cert", os.path.join(PKI, "provider.pem"), "--chain",
                        os.path.join(PKI, "chain.pem"), "--field", field],
                       check=True, stdout=subprocess.DEVNULL)
        return open(dst, "rb").read()


def last_object(pdf, num):
    """The body (between 'N 0 obj' and 'endobj') of the newest definition of object num."""
    found = None
    for m in re.finditer(rb"(?<![0-9])%d 0 obj\s*(.*?)\s*endobj" % num, pdf, re.S):
        found = m.group(1)
    if found is None:
        raise SystemExit("object %d not found" % num)
    return found


def last_trailer(pdf):
    tail = pdf[pdf.rindex(b"trailer"):]
    size = int(re.search(rb"/Size\s+(\d+)", tail).group(1))
    info = re.search(rb"/Info\s+(\d+ \d+ R)", tail)
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", tail)
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    return size, (info.group(1) if info else None), (ident.group(1) if ident else None), startxref


def append_update(pdf, objects):
    """An incremental update (classic xref) defining `objects` {num: body bytes}."""
    size, info, ident, prev = last_trailer(pdf)
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(objects):
        out += b"%d 1\n%010d 00000 n \n" % (num, offsets[num])
    size = max([size] + [n + 1 for n in objects])
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d" % (size, prev)
    if info:
        out += b" /Info " + info
    if ident:
        out += b" /ID " + ident
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def next_num(pdf):
    return last_trailer(pdf)[0]


def stream(content, extra=b""):
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def set_key(body, key, value):
    """body (a dictionary) with /key set to value (replacing a simple existing value)."""
    pattern = rb"/%s\s*(\[[^\]]*\]|<<.*?>>|\d+ \d+ R|/\w+|\([^)]*\)|-?[\d.]+)" % key
    if re.search(pattern, body, re.S):
        return re.sub(pattern, lambda m: b"/" + key + b" " + value, body, count=1, flags=re.S)
    return body.rstrip()[:-2] + b" /" + key + b" " + value + b" >>"


def get_key(body, key):
    m = re.search(rb"/%s\s*(\[[^\]]*\]|\d+ \d+ R)" % key, body)
    return m.group(1) if m else None


def py_sign(pdf, field, rect=(0, 0, 0, 0), appearance=None, docmdp=None, extra_objects=None):
    """Our own incremental signature (openssl cms -cades over the byte ranges): a new signature
    field merged with its widget on page 1, optionally visible with `appearance` content and
    optionally certifying with DocMDP /P docmdp."""
    n = next_num(pdf)
    sig, fld, ap, form = n, n + 1, n + 2, n + 3
    objects = dict(extra_objects or {})
    reference = b""
    if docmdp:
        reference = (b" /Reference [ << /Type /SigRef /TransformMethod /DocMDP /TransformParams "
                     b"<< /Type /TransformParams /P %d /V /1.2 >> >> ]" % docmdp)
    reserve = 8192
    objects[sig] = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M " +
                    DATE + reference + b" /ByteRange [0 0000000000 0000000000 0000000000]"
                    b" /Contents <" + b"0" * (2 * reserve) + b"> >>")
    widget = (b"<< /FT /Sig /T (%s) /V %d 0 R /Type /Annot /Subtype /Widget /F 132 /P 4 0 R "
              b"/Rect [%d %d %d %d]" % ((field.encode(), sig) + tuple(rect)))
    if appearance is not None:
        objects[ap] = stream(appearance, b" /Type /XObject /Subtype /Form /BBox [0 0 %d %d] "
                             b"/Resources << /Font << /F1 3 0 R >> >>"
                             % (rect[2] - rect[0], rect[3] - rect[1]))
        widget += b" /AP << /N %d 0 R >>" % ap
    objects[fld] = widget + b" >>"
    catalog = last_object(pdf, 1)
    acroform = get_key(catalog, b"AcroForm")
    if acroform and acroform.endswith(b"R"):
        form = int(acroform.split()[0])
        body = last_object(pdf, form)
        fields = get_key(body, b"Fields") or b"[]"
        objects[form] = set_key(set_key(body, b"Fields", fields[:-1] + b" %d 0 R]" % fld),
                                b"SigFlags", b"3")
    else:
        objects[form] = b"<< /Fields [%d 0 R] /SigFlags 3 >>" % fld
        catalog = set_key(catalog, b"AcroForm", b"%d 0 R" % form)
    if docmdp:
        catalog = set_key(catalog, b"Perms", b"<< /DocMDP %d 0 R >>" % sig)
    objects[1] = catalog
    page = objects.get(4, last_object(pdf, 4))
    annots = get_key(page, b"Annots") or b"[]"
    objects[4] = set_key(page, b"Annots", annots[:-1] + b" %d 0 R]" % fld)
    out = bytearray(append_update(pdf, objects))
    start = out.rindex(b"/Contents <" + b"0" * 16) + len(b"/Contents ")
    end = start + 2 * reserve + 2
    byte_range = b"[0 %010d %010d %010d]" % (start, end, len(out) - end)
    at = out.rindex(b"[0 0000000000 0000000000 0000000000]")
    out[at:at + len(byte_range)] = byte_range
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        open(data, "wb").write(bytes(out[:start]) + bytes(out[end:]))
        der = subprocess.run(["openssl", "cms", "-sign", "-binary", "-cades", "-md", "sha256",
                              "-in", data, "-signer", os.path.join(PKI, "provider.pem"), "-inkey",
                              os.path.join(PKI, "provider.key"), "-certfile",
                              os.path.join(PKI, "chain.pem"), "-outform", "DER"],
                             check=True, capture_output=True).stdout
    hex_cms = der.hex().upper().encode()
    assert len(hex_cms) <= 2 * reserve
    out[start + 1:start + 1 + len(hex_cms)] = hex_cms
    return bytes(out)


def blank(pdf, pattern):
    """pdf with the last match of pattern replaced by spaces (offsets unchanged)."""
    m = list(re.finditer(pattern, pdf, re.S))[-1]
    return pdf[:m.start()] + b" " * (m.end() - m.start()) + pdf[m.end():]


def replace_same_length(pdf, pattern, replacement):
    m = list(re.finditer(pattern, pdf, re.S))[-1]
    text = replacement.ljust(m.end() - m.start(), b" ")
    assert len(text) == m.end() - m.start()
    return pdf[:m.start()] + text + pdf[m.end():]


def main():
    sealflow = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    unsigned = open(os.path.join(HERE, "unsigned-two-pages.pdf"), "rb").read()
    signed = sealflow_sign(sealflow, unsigned, "Signature1")
    expected = []

    def write(name, pdf, verdict, sub):
        open(os.path.join(OUT, name + ".pdf"), "wb").write(pdf)
        expected.append("attacks/%s.pdf\t%s\t%s" % (name, verdict, sub))

    write("signed", signed, "VALID", "-")

    # Universal signature forgery: the signature dictionary without a usable signature.
    write("forgery-missing-contents", blank(signed, rb"/Contents\s*<[0-9A-Fa-f]*>"), "INVALID",
          "FORMAT_FAILURE")
    write("forgery-empty-contents",
          replace_same_length(signed, rb"/Contents\s*<[0-9A-Fa-f]*>", b"/Contents <>"), "INVALID",
          "FORMAT_FAILURE")
    m = list(re.finditer(rb"/Contents\s*<([0-9A-Fa-f]*)>", signed))[-1]
    write("forgery-zeroed-contents",
          signed[:m.start(1)] + b"0" * (m.end(1) - m.start(1)) + signed[m.end(1):], "INVALID",
          "FORMAT_FAILURE")
    write("forgery-null-contents",
          replace_same_length(signed, rb"/Contents\s*<[0-9A-Fa-f]*>", b"/Contents null"),
          "INVALID", "FORMAT_FAILURE")
    write("forgery-null-byterange",
          replace_same_length(signed, rb"/ByteRange\s*\[[^\]]*\]", b"/ByteRange null"), "INVALID",
          "FORMAT_FAILURE")
    write("forgery-missing-byterange", blank(signed, rb"/ByteRange\s*\[[^\]]*\]"), "INVALID",
          "FORMAT_FAILURE")

    # Incremental saving attack: an appended revision replaces page 1's content stream.
    evil = b"BT /F1 14 Tf 72 770 Td (Page 1 of 2 - amount: 9,999,999 CNY) Tj ET"
    write("isa-content-replaced", append_update(signed, {5: stream(evil)}), "INVALID",
          "MODIFIED_AFTER_SIGNING")

    # Signature wrapping: a copy of the second signed range appended after new objects, and
    # /ByteRange (same width) pointing at the copy, so that the gap hides the new objects.
    br = [int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", signed)[-1]]
    hidden = b"5 0 obj\n" + stream(evil) + b"\nendobj\n"
    moved = signed + hidden + signed[br[2]:]
    moved = replace_same_length(moved, rb"/ByteRange\s*\[[^\]]*\]",
                                b"/ByteRange [0 %d %d %d]" % (br[1], len(signed) + len(hidden), br[3]))
    write("wrapping-byterange-moved", moved, "INVALID", "FORMAT_FAILURE")

    # Shadow attacks: the signer signs a document whose unsigned revision prepared the attack.
    page1 = last_object(unsigned, 4)
    overlay = b"q 1 1 1 rg 60 740 480 60 re f Q BT /F1 14 Tf 72 770 Td (Approved) Tj ET"
    with_overlay = append_update(unsigned, {
        20: stream(overlay),
        4: set_key(page1, b"Contents", b"[5 0 R 20 0 R]")})
    signed_overlay = sealflow_sign(sealflow, with_overlay, "Signature1")
    write("shadow-signed-overlay", signed_overlay, "VALID", "-")
    page1_now = last_object(signed_overlay, 4)
    write("shadow-hide", append_update(signed_overlay, {
        4: set_key(page1_now, b"Contents", b"5 0 R")}), "INVALID", "MODIFIED_AFTER_SIGNING")
    write("shadow-replace-overlay", append_update(signed_overlay, {
        20: stream(b"q 1 1 1 rg 60 740 480 60 re f Q BT /F1 14 Tf 72 770 Td (Rejected) Tj ET")}),
        "INVALID", "MODIFIED_AFTER_SIGNING")
    write("shadow-replace-font", append_update(signed_overlay, {
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
           b"/Differences [65 /B /C /D] >> >>"}), "INVALID", "MODIFIED_AFTER_SIGNING")
    with_unused = append_update(unsigned, {21: stream(evil)})
    signed_unused = sealflow_sign(sealflow, with_unused, "Signature1")
    write("shadow-hide-and-replace", append_update(signed_unused, {
        4: set_key(last_object(signed_unused, 4), b"Contents", b"21 0 R")}), "INVALID",
        "MODIFIED_AFTER_SIGNING")

    # Certified documents (DocMDP P2), signed by this script as our signer has no --certify.
    certified = py_sign(unsigned, "Certification", docmdp=2)
    write("certified-p2", certified, "VALID", "-")
    freetext = next_num(certified)
    write("certified-evil-annotation", append_update(certified, {
        freetext: b"<< /Type /Annot /Subtype /FreeText /Rect [60 740 540 800] /F 4 /DA "
                  b"(/Helv 14 Tf 0 g) /Contents (amount: 9,999,999 CNY) /AP << /N %d 0 R >> >>"
                  % (freetext + 1),
        freetext + 1: stream(b"q 1 1 1 rg 0 0 480 60 re f Q BT /F1 14 Tf 12 30 Td "
                             b"(amount: 9,999,999 CNY) Tj ET",
                             b" /Type /XObject /Subtype /Form /BBox [0 0 480 60] "
                             b"/Resources << /Font << /F1 3 0 R >> >>"),
        4: set_key(last_object(certified, 4), b"Annots",
                   (get_key(last_object(certified, 4), b"Annots") or b"[]")[:-1] +
                   b" %d 0 R]" % freetext)}), "INVALID", "MODIFIED_AFTER_SIGNING")
    write("certified-sneaky-signature",
          py_sign(certified, "Sneaky", rect=(60, 740, 540, 800),
                  appearance=b"q 1 1 1 rg 0 0 480 60 re f Q BT /F1 14 Tf 12 30 Td "
                             b"(amount: 9,999,999 CNY) Tj ET"),
          "INVALID", "MODIFIED_AFTER_SIGNING")
    write("certified-invisible-countersignature", py_sign(certified, "Approval"), "VALID", "-")

    # Benign updates.
    write("countersigned", sealflow_sign(sealflow, signed, "Signature2"), "VALID", "-")
    root_der = subprocess.run(["openssl", "x509", "-in", os.path.join(PKI, "root-ca.pem"),
                               "-outform", "DER"], check=True, capture_output=True).stdout
    n = next_num(signed)
    write("dss-added", append_update(signed, {
        n: b"<< /Certs [%d 0 R] >>" % (n + 1),
        n + 1: stream(root_der),
        1: set_key(last_object(signed, 1), b"DSS", b"%d 0 R" % n)}), "VALID", "-")

    # A form with one text field, certified with P2, then the field filled (allowed) or, in a
    # document whose certification locks it with FieldMDP, changed (not allowed).
    n = next_num(unsigned)
    form_objects = {
        n: b"<< /Fields [%d 0 R] >>" % (n + 1),
        n + 1: b"<< /FT /Tx /T (remark) /V () /Type /Annot /Subtype /Widget /Rect [72 600 300 620] "
               b"/F 4 /P 4 0 R /DA (/F1 12 Tf 0 g) >>",
        1: set_key(last_object(unsigned, 1), b"AcroForm", b"%d 0 R" % n),
        4: set_key(last_object(unsigned, 4), b"Annots", b"[%d 0 R]" % (n + 1)),
    }
    with_form = append_update(unsigned, form_objects)
    certified_form = py_sign(with_form, "Certification", docmdp=2)
    ap = next_num(certified_form)
    field_body = last_object(certified_form, n + 1)
    filled = append_update(certified_form, {
        n + 1: set_key(set_key(field_body, b"V", b"(checked by the reviewer)"), b"AP",
                       b"<< /N %d 0 R >>" % ap),
        ap: stream(b"BT /F1 12 Tf 2 5 Td (checked by the reviewer) Tj ET",
                   b" /Type /XObject /Subtype /Form /BBox [0 0 228 20] "
                   b"/Resources << /Font << /F1 3 0 R >> >>")})
    write("unlocked-field-filled-p2", filled, "VALID", "-")
    certified_p1 = py_sign(with_form, "Certification", docmdp=1)
    write("certified-p1-field-filled", append_update(certified_p1, {
        n + 1: set_key(last_object(certified_p1, n + 1), b"V", b"(changed)")}), "INVALID",
        "MODIFIED_AFTER_SIGNING")

    expected.sort()
    with open(os.path.join(HERE, "EXPECTED.txt"), "w") as f:
        f.write("# file\texpected document verdict\texpected sub-indication of the first failing "
                "signature (- when VALID)\n")
        f.write("# written by make-attacks.py; document-timestamp is not in the corpus yet (no "
                "TSA certificate in tests/data/pki)\n")
        for line in expected:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
