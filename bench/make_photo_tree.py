#!/usr/bin/env python3
"""Writes a synthetic photo tree in Office-31's layout, ROOT/<domain>/images/<class>/frame_NNNN.jpg, or in
VisDA-2017's, ROOT/{train,validation}/<class>/NAME + image_list.txt, for memory and speed measurements at photo
scale (e.g. `imed evaluate BUNDLE --domain office31:ROOT/webcam`) and end-to-end runs of the photo suites
(bench/photo-layout/run.sh). The images are generated: no accuracy read on them says anything about the real data.

Images are 300x300 JPEGs (Office-31's webcam/dslr photos are larger than the 224 px crop, so decoding and resizing
cost what they cost on the real data); each class has its own colour and shape, each domain its own background,
plus noise, so a model can learn something. Deterministic: the same arguments write the same files.

  /usr/bin/python3 bench/make_photo_tree.py ROOT --images 60 [--classes 31] [--domains amazon,webcam] [--side 300]
  /usr/bin/python3 bench/make_photo_tree.py ROOT --layout visda --images 120     # 12 classes, train + validation
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw

VISDA_CLASSES = ["aeroplane", "bicycle", "bus", "car", "horse", "knife", "motorcycle", "person", "plant", "skateboard",
                 "train", "truck"]
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
    parser.add_argument("--layout", choices=["office31", "visda"], default="office31")
    args = parser.parse_args()
    if args.layout == "visda":
        visda(args)
        return
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


def visda(args):
    """train/ holds the synthetic side (PNG renderings on a flat background), validation/ the real-looking side."""
    for d, split in enumerate(["train", "validation"]):
        rng = np.random.default_rng(2000 + d)
        lines = []
        for i in range(args.images):
            cls = i % len(VISDA_CLASSES)
            name = VISDA_CLASSES[cls]
            number = i // len(VISDA_CLASSES) + 1
            file = "src_1_%04d.png" % number if split == "train" else "%s_%04d.jpg" % (name, number)
            relative = "%s/%s" % (name, file)
            path = os.path.join(args.root, split, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            image(cls, i // len(VISDA_CLASSES), d, args.side, rng).save(path)
            lines.append("%s %d" % (relative, cls))
        with open(os.path.join(args.root, split, "image_list.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("wrote %d images per split in %d classes under %s" % (args.images, len(VISDA_CLASSES), args.root))


if __name__ == "__main__":
    main()
