"""The committed images under fixtures/images/ are exactly what scripts/make_fixtures.py generates."""

from __future__ import annotations

import hashlib
import importlib.util
import io
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from function.image_header import InvalidImageError, describe
from tests.conftest import ROOT

from .conftest import IMAGES

#: Formats whose encoders may produce other bytes for the same pixels with another Pillow build (libjpeg,
#: zlib, libwebp): there, decoded content is compared.
LOSSLESS_SUFFIXES = (".png", ".gif", ".tiff", ".bmp", ".webp")


def load_generator() -> ModuleType:
    """scripts/make_fixtures.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> dict[str, bytes]:
    """A fresh generation, in memory."""
    files: dict[str, bytes] = load_generator().generate()
    return files


def decoded(data: bytes) -> tuple[str, tuple[int, int], np.ndarray] | str:
    """Mode, size and pixels of a readable image; the error class name of the function otherwise."""
    try:
        describe(data)
    except InvalidImageError as error:
        return type(error).__name__
    with Image.open(io.BytesIO(data)) as img:
        return img.mode, img.size, np.asarray(img)


def test_generation_is_deterministic(generated: dict[str, bytes]) -> None:
    """Two generations give the same bytes."""
    assert load_generator().generate() == generated


def test_every_generated_file_is_committed_and_nothing_else(generated: dict[str, bytes]) -> None:
    """The folder holds exactly the generated set (the demo's photo-400x600.jpg and small-64x48.png
    included)."""
    assert sorted(path.name for path in IMAGES.iterdir()) == sorted(generated)
    assert {"photo-400x600.jpg", "small-64x48.png"} <= set(generated)


def test_committed_files_match_a_fresh_generation(generated: dict[str, bytes]) -> None:
    """Same sha256 with this Pillow build; with another one, the same decoded content (pixels equal for
    lossless formats, within a small error for JPEG) and the same verdict from the function."""
    for name, fresh in sorted(generated.items()):
        committed = (IMAGES / name).read_bytes()
        if hashlib.sha256(committed).digest() == hashlib.sha256(fresh).digest():
            continue
        old, new = decoded(committed), decoded(fresh)
        if isinstance(old, str) or isinstance(new, str):
            assert old == new, name
            continue
        assert old[:2] == new[:2], name
        difference = np.abs(old[2].astype(np.float64) - new[2].astype(np.float64)).mean()
        assert difference == 0 if name.endswith(LOSSLESS_SUFFIXES) else difference < 1.0, name


def test_the_big_jpeg_stays_light() -> None:
    """The repository stays light: the 4000x3000 JPEG is a few hundred KB, the whole set under 500 KB."""
    assert (IMAGES / "photo-4000x3000.jpg").stat().st_size < 400_000
    assert sum(path.stat().st_size for path in IMAGES.iterdir()) < 500_000
