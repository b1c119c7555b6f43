"""The shop's logo: decoded and scaled once per document, then placed as a shared form XObject, so
a thousand pieces carry one copy of the image rather than a thousand."""

from __future__ import annotations

import io
import itertools
import logging

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

# Enough pixels for 300 dpi at the largest size a logo prints (about 60 mm wide on A5).
_MAX_PIXELS = 720
_names = itertools.count(1)


class Logo:
    def __init__(self, canvas: Canvas, picture: Image.Image, greyscale: bool) -> None:
        picture = ImageOps.exif_transpose(picture)  # photos from a phone come in sideways
        picture.thumbnail((_MAX_PIXELS, _MAX_PIXELS))
        has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
        picture = picture.convert("RGBA" if has_alpha else "RGB")
        if greyscale:
            grey = ImageOps.grayscale(picture)
            channels = [grey, grey, grey]
            if has_alpha:
                channels.append(picture.getchannel("A"))
            picture = Image.merge(picture.mode, channels)
        self.aspect = picture.width / picture.height
        # The form is drawn at 1 x aspect points and scaled where it is placed.
        self._name = f"logo{next(_names)}"
        canvas.beginForm(self._name, 0, 0, self.aspect, 1)
        canvas.drawImage(ImageReader(picture), 0, 0, self.aspect, 1, mask="auto")
        canvas.endForm()

    def draw(self, canvas: Canvas, x: float, y: float, height: float) -> None:
        """The logo `height` points tall with its bottom-left corner at (x, y)."""
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(height, height)
        canvas.doForm(self._name)
        canvas.restoreState()


def load_logo(canvas: Canvas, data: bytes | None, greyscale: bool) -> Logo | None:
    """The logo in `data` (PNG or JPEG) ready to place, or None when there is none or it cannot
    be read (the shop's name then stands in its place)."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
            return Logo(canvas, picture, greyscale)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        log.warning("The shop's logo could not be read, so its name prints instead: %s", error)
        return None
