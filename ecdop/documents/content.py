"""What a document is, by its content rather than its name, and the same document with its
active content taken out: the checks every upload passes before anything is stored.

Accepted: PDF, DOCX, ODT, PNG and JPEG. Refused, each with its own words: an empty file, one
too large, one whose content is none of those (an executable named ``.pdf``), one whose
content and name disagree (a ZIP of something else named ``.docx``), and an encrypted PDF,
which cannot be checked. PDFs lose their JavaScript, actions, embedded files and XFA forms;
images are re-encoded, which drops EXIF (the GPS position included)."""

from __future__ import annotations

import enum
import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, cast

import pikepdf
from PIL import Image


class DocumentRefused(ValueError):
    """An upload that cannot be kept; the message is shown at the file's field."""


class DocumentFormat(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    PNG = "png"
    JPEG = "jpeg"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]


MEDIA_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentFormat.ODT: "application/vnd.oasis.opendocument.text",
    DocumentFormat.PNG: "image/png",
    DocumentFormat.JPEG: "image/jpeg",
}
# The endings a person's file may have for each format.
ENDINGS = {
    DocumentFormat.PDF: (".pdf",),
    DocumentFormat.DOCX: (".docx",),
    DocumentFormat.ODT: (".odt",),
    DocumentFormat.PNG: (".png",),
    DocumentFormat.JPEG: (".jpg", ".jpeg"),
}
ACCEPTED = "a PDF, a Word document (DOCX), an OpenDocument text (ODT), a PNG or a JPEG"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


# Read and hashed a piece at a time: a 20 MB document is never held whole in Python.
PIECE = 1024 * 1024


@dataclass(frozen=True)
class CheckedDocument:
    format: DocumentFormat
    file: BinaryIO  # the content as it may be stored, read from the start
    size: int
    sha256: str
    removed: tuple[str, ...]  # what was taken out, in words, for the record

    @property
    def content(self) -> bytes:
        """The whole content at once: for small documents and for tests."""
        self.file.seek(0)
        return self.file.read()


def check_upload(upload: bytes | BinaryIO, filename: str, *, largest: int) -> CheckedDocument:
    """The document as it may be stored, or ``DocumentRefused`` saying why not. ``upload`` is
    read as a file (the request's spooled upload): the checks and the cleaning work from disk,
    not from a copy of the whole in memory."""
    source = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    if not size:
        raise DocumentRefused("The selected file is empty")
    if size > largest:
        raise DocumentRefused(f"The selected file must be smaller than {largest // 2**20} MB")
    found = recognise(source)
    if not filename.lower().endswith(ENDINGS[found]):
        raise DocumentRefused(f"The selected file is a {found.value.upper()} but its name "
                              f"says otherwise: rename it or choose another file")  # fmt: skip
    if found is DocumentFormat.PDF:
        cleaned, removed = _without_active_content(source)
    elif found in (DocumentFormat.PNG, DocumentFormat.JPEG):
        cleaned, removed = _reencoded(source, found)
    else:
        cleaned, removed = source, ()
    return CheckedDocument(found, cleaned, *_measured(cleaned), removed)


def _measured(file: BinaryIO) -> tuple[int, str]:
    """The file's size and SHA-256, read a piece at a time; left at its start."""
    file.seek(0)
    digest, size = hashlib.sha256(), 0
    while piece := file.read(PIECE):
        digest.update(piece)
        size += len(piece)
    file.seek(0)
    return size, digest.hexdigest()


def recognise(source: BinaryIO) -> DocumentFormat:
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head.startswith(b"%PDF-"):
        return DocumentFormat.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentFormat.JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_document(source)
    raise DocumentRefused(f"The selected file must be {ACCEPTED}")


def _office_document(source: BinaryIO) -> DocumentFormat:
    """A ZIP is a DOCX or an ODT only if it holds what one does."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return DocumentFormat.ODT
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return DocumentFormat.DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        pass
    raise DocumentRefused(f"The selected file must be {ACCEPTED}: this is a ZIP of something else")


# Where a PDF keeps what runs or opens things, in the catalogue and on each page.
ACTIVE_IN_CATALOGUE = {"/OpenAction": "an action run on opening", "/AA": "automatic actions"}
ACTIVE_IN_NAMES = {"/JavaScript": "JavaScript", "/EmbeddedFiles": "embedded files"}
RUNNING_ACTIONS = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData"}


def _without_active_content(source: BinaryIO) -> tuple[BinaryIO, tuple[str, ...]]:
    source.seek(0)
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError:
        raise DocumentRefused("The selected PDF is protected with a password: send it without "
                              "one") from None  # fmt: skip
    except pikepdf.PdfError:
        raise DocumentRefused("The selected file is not a PDF that can be read") from None
    with pdf:
        if pdf.is_encrypted:
            raise DocumentRefused("The selected PDF is encrypted: send it unencrypted")
        removed = _strip_catalogue(pdf) + _strip_pages(pdf)
        output = _scratch_file()
        # Streams are copied as they came, neither decoded nor compressed afresh: what is kept
        # is the document sent, less what could run, and qpdf holds far less of it at once.
        pdf.save(output, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)  # fmt: skip
    return output, tuple(dict.fromkeys(removed))


def _scratch_file() -> BinaryIO:
    """Where a cleaned document is written: memory while small, a file on disk beyond that,
    deleted when closed."""
    return cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=PIECE))  # noqa: SIM115 - the caller closes it


def _strip_catalogue(pdf: pikepdf.Pdf) -> list[str]:
    removed = []
    root = pdf.Root
    for key, what in ACTIVE_IN_CATALOGUE.items():
        if key in root:
            del root[key]
            removed.append(what)
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key, what in ACTIVE_IN_NAMES.items():
            if key in names:
                del names[key]
                removed.append(what)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        removed.append("an XFA form")
    return removed


def _strip_pages(pdf: pikepdf.Pdf) -> list[str]:
    removed = []
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            removed.append("automatic actions")
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") in RUNNING_ACTIONS:
                del annotation["/A"]
                removed.append(f"a link's {str(action.get('/S')).lstrip('/')} action")
            if annotation.get("/Subtype") == "/FileAttachment" and "/FS" in annotation:
                del annotation["/FS"]
                removed.append("embedded files")
    return removed


def _reencoded(source: BinaryIO, found: DocumentFormat) -> tuple[BinaryIO, tuple[str, ...]]:
    """The picture alone, drawn afresh: what rides along with it (EXIF, the camera's GPS
    position, comments) does not survive."""
    source.seek(0)
    try:
        with Image.open(source) as image:
            had_metadata = bool(image.getexif()) or bool(image.info.get("exif"))
            image.load()
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            palette = image.getpalette() if image.mode == "P" else None
            if palette is not None:
                clean.putpalette(palette)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise DocumentRefused("The selected picture cannot be read") from None
    output = _scratch_file()
    clean.save(output, format="PNG" if found is DocumentFormat.PNG else "JPEG", quality=92)
    return output, ("the picture's EXIF data, with any GPS position",) if had_metadata else ()
