"""Where documents' content is kept, behind one small interface: in the database by default,
so that one backup holds everything; an S3-compatible store can take its place later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from sqlalchemy import delete, insert, select

from ecdop.documents.models import Document, DocumentChunk
from ecdop.foundation.extensions import db

CHUNK_BYTES = 1024 * 1024


class DocumentStore(Protocol):
    def keep(self, document: Document, content: BinaryIO) -> None: ...
    def read(self, document: Document) -> Iterator[bytes]: ...
    def erase(self, document: Document) -> None: ...


class DatabaseStore:
    """The content in ``document_chunks``, a megabyte a row, read back a row at a time."""

    def keep(self, document: Document, content: BinaryIO) -> None:
        # A row at a time, each piece let go once sent (no ORM object holds it to commit).
        content.seek(0)
        position = 0
        while piece := content.read(CHUNK_BYTES):
            db.session.execute(
                insert(DocumentChunk).values(document_id=document.id, position=position, data=piece)
            )
            position += 1

    def read(self, document: Document) -> Iterator[bytes]:
        # What to read is settled now, inside the request: the pieces are read as the response
        # is sent, after the request's own session (and ``document`` with it) has closed.
        document_id = document.id
        positions = list(
            db.session.scalars(
                select(DocumentChunk.position)
                .where(DocumentChunk.document_id == document_id)
                .order_by(DocumentChunk.position)
            )
        )
        return _pieces(document_id, positions)

    def erase(self, document: Document) -> None:
        db.session.execute(delete(DocumentChunk).where(DocumentChunk.document_id == document.id))


def document_store() -> DocumentStore:
    return DatabaseStore()


def _pieces(document_id: int, positions: list[int]) -> Iterator[bytes]:
    for position in positions:
        yield db.session.execute(
            select(DocumentChunk.data).where(
                DocumentChunk.document_id == document_id, DocumentChunk.position == position
            )
        ).scalar_one()
