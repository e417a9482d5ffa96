"""QR codes drawn as inline SVG (no images or data: URLs to allow in the CSP, nothing for a script to do)."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, label: str) -> SafeString:
    """An accessible inline SVG QR code for `text`. The SVG comes from the qrcode package (only path data)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace(
        "<svg ",
        f'<svg class="app-qr-code" role="img" aria-label="{_attr(label)}" focusable="false" ',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - generated markup, label escaped


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
