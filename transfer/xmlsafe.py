"""Reading export files safely: streamed, with no DTD, entity or network access.

WordPress and Disqus write plain XML with no document type declaration, so
any file that declares one is refused outright: that is where entity bombs
("billion laughs") and external entities and DTDs live. Elements are handed
over as they end and cleared by the caller, so a file of any size is read in
bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse


class BadFile(Exception):
    """A file that cannot be imported; the message says why and where."""


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def events(path: Path | str) -> Iterator[tuple[str, Element]]:
    """("start" | "end", element) for each element of the file, or BadFile with
    the line and column of the first fault."""
    try:
        with open(path, "rb") as stream:
            yield from iterparse(
                stream,
                events=("start", "end"),
                forbid_dtd=True,
                forbid_entities=True,
                forbid_external=True,
            )
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        raise BadFile(
            f"{path}: refused: the file declares a document type or entities "
            f"({type(error).__name__}). Export files never do; entity expansion "
            "and external entities or DTDs are not allowed."
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise BadFile(
            f"{path}: not well-formed XML at line {line}, column {column + 1}: "
            f"{reason}. Nothing was imported."
        ) from None
    except OSError as error:
        raise BadFile(f"{path}: cannot be read: {error.strerror or error}") from None


def text(element: Element | None) -> str:
    return (element.text or "") if element is not None else ""
