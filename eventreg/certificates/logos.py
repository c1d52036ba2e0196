"""The certificate logo: a PNG or an SVG, recognised by its bytes (never by its file name), size-limited, and an
SVG rebuilt from an allow-list, so what reaches WeasyPrint and the settings page draws shapes and nothing else.

SVG is parsed by defusedxml, which refuses a DTD, entities and external references before anything is read.
Then only drawing elements survive (no script, foreignObject, image, a, animation, filters); attributes named
on*, any namespaced attribute but xlink:href (rewritten as href) and xml:space, and href to anything but "#id"
are dropped; a value (or <style> text) with url() to anything but "#id", @import or a CSS escape is dropped too.
PNG is opened by Pillow, whose header gives the pixel size before any pixel is decoded (no decompression bomb)."""

import base64
import io
import re
import xml.etree.ElementTree as ET  # serialising only: parsing goes through defusedxml
from dataclasses import dataclass, field

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from eventreg.core.errors import CodedError

MAX_BYTES = 512 * 1024
MAX_PIXELS = 4000  # each side of a PNG; a certificate shows it about an inch high
MIN_PIXELS = 16
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

ALLOWED_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "symbol", "use",
    "pattern", "style",
}  # fmt: skip
HREFS = {"href", f"{{{XLINK}}}href"}
KEPT_NAMESPACED = {f"{{{XLINK}}}href", f"{{{XML}}}space"}  # xml:space is written back with its own xml: prefix
# url( followed by anything but "#": another file, a data: document, a web address. @import loads a sheet;
# a backslash is a CSS escape ("\75 rl(" spells url(), so no value may hide a reference that way.
UNSAFE_VALUE = re.compile(r"url\s*\(\s*(?![\"']?\s*#)|@import|\\|javascript:|expression\s*\(", re.IGNORECASE)


class LogoError(CodedError):
    MESSAGES = {
        "too_big": _l("The logo is larger than {max_kb} kB. Please upload a smaller file."),
        "not_an_image": _l("The logo must be a PNG or an SVG file."),
        "unreadable": _l("The file could not be read as a PNG or SVG image. Please export it again and retry."),
        "unsafe_svg": _l(
            "The SVG file uses a document type or entities, which are not accepted. "
            "Please export it again as plain SVG."
        ),
        "dimensions": _l("The PNG must be between {min_pixels} and {max_pixels} pixels on each side."),
        "empty_svg": _l("Nothing drawable is left in the SVG once scripts and outside references are removed."),
    }

    def __init__(self, code: str, **values):
        limits = {"max_kb": MAX_BYTES // 1024, "min_pixels": MIN_PIXELS, "max_pixels": MAX_PIXELS}
        super().__init__(code, **limits, **values)


@dataclass(frozen=True)
class Logo:
    content_type: str  # "image/png" or "image/svg+xml"
    data: bytes
    removed: list[str] = field(default_factory=list)  # what sanitising took out of an SVG, for the admin


def read_logo(data: bytes) -> Logo:
    """The logo an admin uploaded, checked and (SVG) sanitised. LogoError with a code otherwise."""
    if len(data) > MAX_BYTES:
        raise LogoError("too_big")
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return _svg(data)
    raise LogoError("not_an_image")


def _png(data: bytes) -> Logo:
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            if not (MIN_PIXELS <= width <= MAX_PIXELS and MIN_PIXELS <= height <= MAX_PIXELS):
                raise LogoError("dimensions")
            image.verify()  # checks the chunks' checksums without decoding pixels
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise LogoError("unreadable") from error
    return Logo("image/png", data)


def _svg(data: bytes) -> Logo:
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise LogoError("unsafe_svg") from error
    except ET.ParseError as error:
        raise LogoError("unreadable") from error
    if root.tag != f"{{{SVG}}}svg":
        raise LogoError("not_an_image")
    removed: list[str] = []
    _clean(root, removed)
    if not any(child.tag != f"{{{SVG}}}style" for child in root.iter() if child is not root):
        raise LogoError("empty_svg")
    # The registry of prefixes is the process's; set ours at the point of use so the file says <svg>, not <ns0:svg>.
    ET.register_namespace("", SVG)
    return Logo("image/svg+xml", ET.tostring(root, encoding="utf-8", xml_declaration=True), sorted(set(removed)))


def _local(tag: str) -> str | None:
    """The element's name if it is in the SVG namespace, else None."""
    return tag[len(SVG) + 2 :] if isinstance(tag, str) and tag.startswith(f"{{{SVG}}}") else None


def _clean(element: ET.Element, removed: list[str]) -> None:
    for name in list(element.attrib):
        value = element.attrib[name]
        namespaced = name.startswith("{")
        if (
            (namespaced and name not in KEPT_NAMESPACED)
            or name.lower().startswith("on")
            or (name in HREFS and not value.strip().startswith("#"))
            or UNSAFE_VALUE.search(value)
        ):
            removed.append(_("%(name)s attribute", name=name.rsplit("}", 1)[-1]))
            del element.attrib[name]
        elif name == f"{{{XLINK}}}href":
            del element.attrib[name]  # SVG 2's plain href: the file then needs no second namespace
            element.set("href", value.strip())
    for child in list(element):
        local = _local(child.tag)
        if local not in ALLOWED_ELEMENTS:
            removed.append(f"<{local or str(child.tag).rsplit('}', 1)[-1]}>")
            element.remove(child)
        elif local == "style" and UNSAFE_VALUE.search(child.text or ""):
            removed.append(_("<style> with outside references"))
            element.remove(child)
        else:
            _clean(child, removed)


def data_uri(content_type: str, data: bytes) -> str:
    """The logo as a data: URI, the only way it reaches WeasyPrint and the settings page (no file, no request)."""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
