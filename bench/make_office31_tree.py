#!/usr/bin/env python3
"""Writes a synthetic tree in Office-31's layout, ROOT/<domain>/images/<class>/frame_NNNN.jpg, for memory and
speed measurements at photo scale (e.g. `imed evaluate BUNDLE --domain office31:ROOT/webcam`).

Images are 300x300 JPEGs (Office-31's webcam/dslr photos are larger than the 224 px crop, so decoding and resizing
cost what they cost on the real data); each class has its own colour and shape, each domain its own background,
plus noise, so a model can learn something. Deterministic: the same arguments write the same files.

  /usr/bin/python3 bench/make_office31_tree.py ROOT --images 60 [--classes 31] [--domains amazon,webcam] [--side 300]
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ["back_pack", "bike", "bike_helmet", "bookcase", "bottle", "calculator", "desk_chair", "desk_lamp",
           "desktop_computer", "file_cabinet", "headphones", "keyboard", "laptop_computer", "letter_tray",
           "mobile_phone", "monitor", "mouse", "mug", "paper_notebook", "pen", "phone", "printer", "projector",
           "punchers", "ring_binder", "ruler", "scissors", "speaker", "stapler", "tape_dispenser", "trash_can"]


def image(cls, index, domain, side, rng):
    background = np.array([[200, 200, 200], [60, 60, 90], [120, 150, 110]][domain % 3], dtype=np.float32)
    pixels = np.empty((side, side, 3), dtype=np.float32)
    pixels[:] = background
    pixels += rng.normal(0, 12, size=pixels.shape)
    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    hue = (cls * 97) % 360
    colour = tuple(int(v) for v in np.array(Image.new("HSV", (1, 1), (hue * 255 // 360, 200, 220)).convert("RGB"))[0, 0])
    size = side // 3 + (index * 7) % (side // 4)
    x, y = rng.integers(0, side - size, size=2)
    box = [int(x), int(y), int(x) + size, int(y) + size]
    [draw.ellipse, draw.rectangle, draw.polygon][cls % 3](
        box if cls % 3 < 2 else [(box[0], box[3]), ((box[0] + box[2]) // 2, box[1]), (box[2], box[3])], fill=colour)
    return img


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root")
    parser.add_argument("--images", type=int, default=60, help="images per domain, spread over the classes")
    parser.add_argument("--classes", type=int, default=31, help="first N of Office-31's classes (1..31)")
    parser.add_argument("--domains", default="amazon,webcam")
    parser.add_argument("--side", type=int, default=300)
    args = parser.parse_args()
    if not 1 <= args.classes <= len(CLASSES):
        parser.error("--classes must be 1..31")
    for d, domain in enumerate(args.domains.split(",")):
        rng = np.random.default_rng(1000 + d)
        for i in range(args.images):
            cls = i % args.classes
            folder = os.path.join(args.root, domain, "images", CLASSES[cls])
            os.makedirs(folder, exist_ok=True)
            image(cls, i // args.classes, d, args.side, rng).save(
                os.path.join(folder, "frame_%04d.jpg" % (i // args.classes + 1)), quality=90)
    print("wrote %d images per domain in %d classes under %s" % (args.images, args.classes, args.root))


if __name__ == "__main__":
    main()
