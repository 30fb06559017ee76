"""Every upload is recognised by its content, refused with its own words when it cannot be
kept, and stripped of active content before it is: real files, made here."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from PIL import Image

from ecdop.documents.content import DocumentFormat, DocumentRefused, check_upload

LARGEST = 20 * 2**20


def pdf_with_active_content() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = script
    attachment = pikepdf.AttachedFileSpec(pdf, b"MZ... an executable", filename="run.exe")
    pdf.attachments["run.exe"] = attachment
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("x"), script])
    )
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
    )  # fmt: skip
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def docx() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


def zip_of(name: str, data: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(name, data)
    return output.getvalue()


def test_a_pdf_loses_its_javascript_actions_and_embedded_files():
    checked = check_upload(pdf_with_active_content(), "Post-mortem report.PDF", largest=LARGEST)
    assert checked.format is DocumentFormat.PDF
    with pikepdf.open(io.BytesIO(checked.content)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.Names and "/EmbeddedFiles" not in pdf.Root.Names
        assert not pdf.attachments
        assert "/A" not in pdf.pages[0].obj.Annots[0]
    assert {"an action run on opening", "JavaScript", "embedded files",
            "a link's Launch action"} <= set(checked.removed)  # fmt: skip


def test_a_jpeg_is_redrawn_without_its_exif_or_gps_position():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x8825)  # the GPS position was there
    checked = check_upload(original, "scene.jpg", largest=LARGEST)
    with Image.open(io.BytesIO(checked.content)) as image:
        assert not image.getexif() and "exif" not in image.info
        assert image.size == (40, 30)
    assert checked.removed == ("the picture's EXIF data, with any GPS position",)


def test_a_docx_is_kept_as_it_came():
    checked = check_upload(docx(), "chronology.docx", largest=LARGEST)
    assert checked.format is DocumentFormat.DOCX and checked.removed == ()


def encrypted_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    output = io.BytesIO()
    pdf.save(output, encryption=pikepdf.Encryption(owner="o", user="u"))
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "report.pdf", "must be a PDF, a Word document"),
        (b"", "report.pdf", "The selected file is empty"),
        (b"%PDF-1.7" + b"0" * (LARGEST + 1), "report.pdf", "smaller than 20 MB"),
        (zip_of("payload.exe", b"MZ"), "chronology.docx", "a ZIP of something else"),
        (docx(), "chronology.pdf", "is a DOCX but its name says otherwise"),
        (b"%PDF-1.7 this is not really a PDF", "report.pdf", "not a PDF that can be read"),
        (b"\xff\xd8\xff not a picture at all", "photo.jpg", "picture cannot be read"),
    ],
    ids=["executable", "empty", "too-large", "zip-of-else", "name-disagrees", "broken-pdf",
         "broken-jpeg"],
)  # fmt: skip
def test_what_cannot_be_kept_is_refused_in_its_own_words(content, name, message):
    with pytest.raises(DocumentRefused, match=message):
        check_upload(content, name, largest=LARGEST)


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(DocumentRefused, match="protected with a password|encrypted"):
        check_upload(encrypted_pdf(), "report.pdf", largest=LARGEST)
