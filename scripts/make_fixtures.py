"""Generate the committed test images under fixtures/images/ (deterministic: same bytes every run).

Run with the project's virtualenv: ``.venv/bin/python scripts/make_fixtures.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "images"


def gradient(width: int, height: int) -> Image.Image:
    """An RGB image with a smooth gradient, so JPEG output is stable and realistic in size."""
    img = Image.new("RGB", (width, height))
    img.putdata(
        [
            ((x * 255) // width, (y * 255) // height, ((x + y) * 255) // (width + height))
            for y in range(height)
            for x in range(width)
        ]
    )
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    gradient(400, 600).save(OUT / "photo-400x600.jpg", format="JPEG", quality=85)
    gradient(64, 48).save(OUT / "small-64x48.png", format="PNG")
    print(f"wrote fixtures to {OUT}")


if __name__ == "__main__":
    main()
