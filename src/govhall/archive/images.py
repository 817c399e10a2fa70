"""An image's width and height read from its header, without decoding a pixel.

A decompression bomb is a small file that declares a huge picture: a 100,000 × 100,000 PNG of
one colour compresses to a few MB, and whoever decodes it (a thumbnailer, OCR, a reviewer's
browser) needs 30 GB of memory. The archive never decodes images, but it keeps them for those
who will, so it refuses them by their declared size, read here.
"""

from __future__ import annotations

import struct
import zlib
from typing import IO

_PNG_IHDR = b"\x00\x00\x00\x0dIHDR"
_PNG_IHDR_END = 8 + 8 + 13 + 4  # signature, length and type, data, CRC
_PNG_MAX_SIDE = 2**31 - 1  # PNG: "a zero value is invalid", at most 2^31 - 1

# Start of frame (ITU-T T.81 B.1.1.3): C0–CF but C4 (DHT), C8 (JPG extension) and CC (DAC).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length: TEM and RST0–RST7.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_JPEG_START_OF_SCAN, _JPEG_END_OF_IMAGE = 0xDA, 0xD9
_JPEG_MAX_FILL = 64
JPEG_MAX_SEGMENTS = 1024
"""Segments before the frame header: a real JPEG has a handful (APPn, DQT, DHT, COM)."""


class ImageDamaged(ValueError):
    """The header is missing, truncated or inconsistent: the refusal names what is wrong."""


def png_dimensions(head: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first (checked with its CRC)."""
    if len(head) < _PNG_IHDR_END or head[8:16] != _PNG_IHDR:
        raise ImageDamaged("no IHDR header")
    (crc,) = struct.unpack(">I", head[29:33])
    if zlib.crc32(head[12:29]) != crc:
        raise ImageDamaged("IHDR checksum")
    width, height = struct.unpack(">II", head[16:24])
    if not (0 < width <= _PNG_MAX_SIDE and 0 < height <= _PNG_MAX_SIDE):
        raise ImageDamaged("IHDR dimensions")
    return width, height


def jpeg_dimensions(stream: IO[bytes]) -> tuple[int, int]:
    """Width and height from the first frame header (SOFn), walking the segments from the start
    by their lengths: EXIF and ICC segments often put it beyond the kept head. Reads a few bytes
    a segment; leaves the stream's position anywhere."""
    stream.seek(0)
    if stream.read(2) != b"\xff\xd8":
        raise ImageDamaged("no start of image")
    for _segment in range(JPEG_MAX_SEGMENTS):
        marker = _jpeg_marker(stream)
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (_JPEG_START_OF_SCAN, _JPEG_END_OF_IMAGE):
            raise ImageDamaged("no frame header before the image data")
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            raise ImageDamaged("truncated segment")
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2:
            raise ImageDamaged("segment length")
        if marker in _JPEG_FRAMES:
            frame = stream.read(5)
            if length < 8 or len(frame) < 5:
                raise ImageDamaged("truncated frame header")
            _precision, height, width = struct.unpack(">BHH", frame)
            # A height of 0 is defined later by a DNL marker: nobody's scanner writes one, and
            # the size could not be checked here.
            if width == 0 or height == 0:
                raise ImageDamaged("frame dimensions")
            return width, height
        stream.seek(length - 2, 1)
    raise ImageDamaged("too many segments before the frame header")


def _jpeg_marker(stream: IO[bytes]) -> int:
    """The next marker's code: ``FF``, any fill ``FF`` bytes, then the code."""
    if stream.read(1) != b"\xff":
        raise ImageDamaged("segment marker")
    code = stream.read(1)
    for _fill in range(_JPEG_MAX_FILL):
        if code != b"\xff":
            break
        code = stream.read(1)
    if not code or code in (b"\x00", b"\xff"):
        raise ImageDamaged("segment marker")
    return code[0]
