"""The CJK fonts pages are drawn in (Debian fonts-noto-cjk, fonts-wqy-microhei, fonts-wqy-zenhei), and loading them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

NOTO = "/usr/share/fonts/opentype/noto/"
WQY = "/usr/share/fonts/truetype/wqy/"
INSTALL = "apt-get install fonts-noto-cjk fonts-wqy-microhei fonts-wqy-zenhei"


@dataclass(frozen=True, slots=True)
class Face:
    """One face of a font collection; `bold` is the file bold text is taken from, if the family has one."""

    path: str
    index: int = 0
    bold: str | None = None

    @property
    def installed(self) -> bool:
        return Path(self.path).exists()


# The faces screenshots are rendered in, by name.
FONTS: dict[str, Face] = {
    "noto-sans-sc": Face(NOTO + "NotoSansCJK-Regular.ttc", 2, NOTO + "NotoSansCJK-Bold.ttc"),
    "noto-sans-mono-sc": Face(NOTO + "NotoSansCJK-Regular.ttc", 7, NOTO + "NotoSansCJK-Bold.ttc"),
    "noto-serif-sc": Face(NOTO + "NotoSerifCJK-Regular.ttc", 2),
    "wqy-microhei": Face(WQY + "wqy-microhei.ttc"),
    "wqy-zenhei": Face(WQY + "wqy-zenhei.ttc"),
}
# Test pages use the first installed of these. Noto's face 0 is its JP face, not SC: the OCR tests' pages
# have always been drawn in it, and another face would change the pixels they were checked against.
PLAIN: tuple[Face, ...] = (Face(NOTO + "NotoSansCJK-Regular.ttc"), FONTS["wqy-microhei"], FONTS["wqy-zenhei"])


def available_fonts() -> list[str]:
    """Names of FONTS whose files are installed."""
    return [name for name, face in FONTS.items() if face.installed]


def plain_face() -> Face:
    """The first installed face of PLAIN; FileNotFoundError, naming the packages, when none is."""
    for face in PLAIN:
        if face.installed:
            return face
    raise FileNotFoundError(f"no CJK font among {[face.path for face in PLAIN]}: {INSTALL}")


@lru_cache(maxsize=256)
def load(face: Face, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """`face` at `size` pixels, from its bold file when `bold` and the family has one."""
    path = face.bold if bold and face.bold else face.path
    return ImageFont.truetype(path, size, index=face.index)
