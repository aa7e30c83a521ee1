"""The certificate is a tagged PDF: read back with pypdf (not the library that wrote it), its
structure tree names every piece of the page in reading order, the QR code has alternative text,
the frame is an artifact, and the catalog and metadata say what a screen reader needs."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import BooleanObject, ContentStream

from elearn.certificates.pdf import layout_certificate, render_pdf
from tests.certificates.test_pdf import PARTNERS

TEXT = dataclasses.replace(PARTNERS[0], qr_alt="QR kods: apliecības pārbaudes adrese")


def tagged(text=TEXT):
    reader = PdfReader(io.BytesIO(render_pdf(text)))
    return reader, reader.trailer["/Root"]


def marked_content(reader) -> list[tuple[str, int | None, list[bytes]]]:
    """(tag, MCID or None, the operators inside) of each marked-content sequence of the page, in order."""
    page = reader.pages[0]
    found, stack = [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator in {b"BDC", b"BMC"}:
            properties = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
            stack.append((str(operands[0]), properties.get("/MCID"), []))
        elif operator == b"EMC":
            found.append(stack.pop())
        elif stack:
            stack[-1][2].append(operator)
        else:
            found.append(("none", None, [operator]))
    return found


def test_the_catalog_says_tagged_in_its_language_with_its_title():
    reader, root = tagged()
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/Lang"] == "lv"
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == f"{TEXT.heading} – {TEXT.learner_name}"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    xmp = reader.xmp_metadata
    assert xmp.dc_title == {"x-default": f"{TEXT.heading} – {TEXT.learner_name}"}
    assert xmp.dc_language == ["lv"]
    assert b'<pdfuaid:part xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">1</pdfuaid:part>' in (
        root["/Metadata"].get_object().get_data()
    )


def test_the_structure_tree_reads_the_page_in_order():
    reader, root = tagged()
    document = root["/StructTreeRoot"]["/K"].get_object()
    assert document["/S"] == "/Document" and document["/Lang"] == "lv"
    kids = [kid.get_object() for kid in document["/K"]]
    layout = layout_certificate(TEXT)
    roles = list(dict.fromkeys(line.role for line in layout.lines))
    expected = ["H1" if r == "heading" else "Link" if r == "verify_url" else "P" for r in roles]
    expected.insert(roles.index("verify_text") + 1, "Figure")  # the code, after what introduces it
    assert [str(kid["/S"]).lstrip("/") for kid in kids] == expected
    # Each element holds the MCIDs of its lines, numbered in the order they are drawn.
    mcids = [k for kid in kids for k in kid["/K"] if isinstance(k, int)]
    assert mcids == list(range(len(layout.lines) + 1))
    page = reader.pages[0]
    assert all(kid.raw_get("/Pg") == page.indirect_reference for kid in kids)
    assert page["/StructParents"] == 0 and page["/Tabs"] == "/S"
    parents = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert parents[0] == 0 and [p.get_object()["/S"] for p in parents[1]][:2] == ["/H1", "/P"]
    assert len(parents[1]) == len(mcids)


def test_every_mark_on_the_page_is_tagged_or_an_artifact():
    reader, _root = tagged()
    sequences = marked_content(reader)
    painting = {b"Tj", b"TJ", b"S", b"f", b"re", b"Do"}
    assert not [ops for tag, _m, ops in sequences if tag == "none" and painting & set(ops)]  # nothing unmarked
    for tag, mcid, operators in sequences:
        if b"Tj" in operators or b"TJ" in operators:
            assert tag in {"/H1", "/P", "/Link"} and mcid is not None, (tag, operators)
    [artifact] = [ops for tag, _m, ops in sequences if tag == "/Artifact"]
    assert b"S" in artifact and b"re" in artifact  # the frame and the rules
    [figure] = [ops for tag, _m, ops in sequences if tag == "/Figure"]
    assert b"f" in figure or b"re" in figure  # the QR code's modules


def test_the_qr_code_is_a_figure_with_alternative_text_and_the_link_is_in_the_structure():
    _reader, root = tagged()
    kids = [kid.get_object() for kid in root["/StructTreeRoot"]["/K"].get_object()["/K"]]
    [figure] = [kid for kid in kids if kid["/S"] == "/Figure"]
    assert figure["/Alt"] == TEXT.qr_alt
    [link] = [kid for kid in kids if kid["/S"] == "/Link"]
    [objr] = [k.get_object() for k in link["/K"] if not isinstance(k, int)]
    annotation = objr["/Obj"].get_object()
    assert annotation["/Subtype"] == "/Link" and annotation["/A"]["/URI"] == TEXT.verify_url
    assert annotation["/StructParent"] == 1 and TEXT.verify_url in annotation["/Contents"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert nums[2] == 1 and nums[3].get_object()["/S"] == "/Link"


@pytest.mark.parametrize("text", PARTNERS[:3], ids=lambda t: t.language)
def test_without_its_own_alternative_text_the_code_says_where_it_leads(text):
    _reader, root = tagged(text)
    kids = [kid.get_object() for kid in root["/StructTreeRoot"]["/K"].get_object()["/K"]]
    [figure] = [kid for kid in kids if kid["/S"] == "/Figure"]
    assert figure["/Alt"] == f"{text.verify_text} {text.verify_url}"
    assert root["/Lang"] == text.language


def test_tagging_keeps_the_same_bytes_for_the_same_input():
    assert render_pdf(TEXT) == render_pdf(TEXT)
