#!/usr/bin/python3
"""Generates tests/fixtures/images: small image files in the formats the decoder must handle, the
pixels PIL decodes from them (PIL's convert('RGB') and ImageOps.exif_transpose are the reference),
and torchvision 0.14 functional outputs for the colour and tone ops.

Run with Debian's python3 (PIL, numpy, torch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/reference/make_image_fixtures.py
Output is deterministic; the tests do not need Python.
"""
import base64
import io
import json
import math
import os

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image, ImageOps

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "images")


def smooth_rgb(width, height):
    """Low-frequency colour pattern: JPEG keeps it well, so decoders agree to a few levels."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 100 * np.sin(x / width * math.pi * 1.5)
    g = 128 + 100 * np.cos(y / height * math.pi * 1.2)
    b = 60 + 150 * (x + y) / (width + height)
    return np.stack([r, g, b], -1).clip(0, 255).astype(np.uint8)


def save_expected(image, name):
    """The RGB pixels PIL gives for a fixture, stored losslessly."""
    image.convert("RGB").save(os.path.join(ROOT, name), optimize=True)


def exif_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif


def encode(image, fmt, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def write(name, data):
    with open(os.path.join(ROOT, name), "wb") as f:
        f.write(data)


def image_files():
    rgb = Image.fromarray(smooth_rgb(24, 16), "RGB")
    jpeg = encode(rgb, "JPEG", quality=95, subsampling=0)
    write("rgb.jpg", jpeg)
    save_expected(Image.open(io.BytesIO(jpeg)), "rgb.expected.png")

    # Truncated: the entropy-coded data stops half way.
    write("truncated.jpg", jpeg[: len(jpeg) // 2])

    # EXIF orientations 2..8 on a non-square image, so a missed rotation changes the shape.
    for orientation in range(2, 9):
        data = encode(rgb, "JPEG", quality=95, subsampling=0, exif=exif_orientation(orientation))
        write(f"exif{orientation}.jpg", data)
        save_expected(ImageOps.exif_transpose(Image.open(io.BytesIO(data))), f"exif{orientation}.expected.png")

    # CMYK JPEG (PIL writes Adobe-style inverted CMYK, as Photoshop does).
    cmyk = rgb.convert("CMYK")
    data = encode(cmyk, "JPEG", quality=95)
    write("cmyk.jpg", data)
    save_expected(Image.open(io.BytesIO(data)), "cmyk.expected.png")

    # Grayscale JPEG and PNG.
    gray = rgb.convert("L")
    data = encode(gray, "JPEG", quality=95)
    write("gray.jpg", data)
    save_expected(Image.open(io.BytesIO(data)), "gray.expected.png")
    write("gray.png", encode(gray, "PNG"))
    save_expected(gray, "gray-png.expected.png")

    # RGBA PNG with every alpha level, including fully transparent pixels whose colour must survive
    # (PIL's convert('RGB') drops alpha without premultiplying).
    pixels = np.array(rgb.convert("RGBA"))
    pixels[..., 3] = (np.arange(24 * 16).reshape(16, 24) * 11) % 256
    pixels[0, :, 3] = 0
    rgba = Image.fromarray(pixels, "RGBA")
    write("alpha.png", encode(rgba, "PNG"))
    save_expected(rgba, "alpha.expected.png")

    # Palette PNG.
    write("palette.png", encode(rgb.convert("P", palette=Image.ADAPTIVE, colors=16), "PNG"))
    save_expected(Image.open(os.path.join(ROOT, "palette.png")), "palette.expected.png")

    write("not_an_image.jpg", b"This is a text file with an image extension.\n")


def pack(tensor):
    array = tensor.detach().contiguous().numpy()
    dtype = {np.float32: "float32", np.uint8: "uint8"}[array.dtype.type]
    return {"shape": list(array.shape), "dtype": dtype, "data": base64.b64encode(array.tobytes()).decode("ascii")}


def torchvision_ops():
    torch.manual_seed(0)
    image = torch.rand(3, 9, 11)
    # Some equal channels and saturated pixels exercise the hue and blend edge cases.
    image[:, 0, 0] = 0.5
    image[:, 1, 1] = 1.0
    image[:, 2, 2] = 0.0
    image8 = (image * 255).round().to(torch.uint8)
    cases = {"input": pack(image), "input_uint8": pack(image8)}

    def add(name, value):
        cases[name] = pack(value)

    for factor in (0.6, 1.4):
        add(f"brightness_{factor}", F.adjust_brightness(image, factor))
        add(f"contrast_{factor}", F.adjust_contrast(image, factor))
        add(f"saturation_{factor}", F.adjust_saturation(image, factor))
        add(f"brightness_{factor}_uint8", F.adjust_brightness(image8, factor))
        add(f"contrast_{factor}_uint8", F.adjust_contrast(image8, factor))
        add(f"saturation_{factor}_uint8", F.adjust_saturation(image8, factor))
    for factor in (-0.1, 0.05, 0.5):
        add(f"hue_{factor}", F.adjust_hue(image, factor))
        add(f"hue_{factor}_uint8", F.adjust_hue(image8, factor))
    add("grayscale", F.rgb_to_grayscale(image, num_output_channels=3))
    add("grayscale_uint8", F.rgb_to_grayscale(image8, num_output_channels=3))
    add("blur_k5_s1.3", F.gaussian_blur(image, [5, 5], [1.3, 1.3]))
    add("blur_k7_s0.4", F.gaussian_blur(image, [7, 7], [0.4, 0.4]))
    add("blur_k5_s1.3_uint8", F.gaussian_blur(image8, [5, 5], [1.3, 1.3]))
    add("sharpness_0.1_uint8", F.adjust_sharpness(image8, 0.1))
    add("sharpness_1.9_uint8", F.adjust_sharpness(image8, 1.9))
    add("sharpness_1.9", F.adjust_sharpness(image, 1.9))
    add("posterize_3_uint8", F.posterize(image8, 3))
    add("solarize_128_uint8", F.solarize(image8, 128.0))
    add("solarize_0.5", F.solarize(image, 0.5))
    add("autocontrast_uint8", F.autocontrast(image8))
    add("autocontrast", F.autocontrast(image))
    add("equalize_uint8", F.equalize(image8))
    add("invert_uint8", F.invert(image8))
    add("normalize", F.normalize(image, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))
    add("resize_6x7_antialias", F.resize(image, [6, 7], antialias=True))
    add("resize_14x20_antialias", F.resize(image, [14, 20], antialias=True))
    add("resized_crop_2_3_5_6_to_8x8", F.resized_crop(image, 2, 3, 5, 6, [8, 8], antialias=True))
    add("to_uint8", F.convert_image_dtype(image, torch.uint8))
    add("to_float", F.convert_image_dtype(image8, torch.float32))
    with open(os.path.join(ROOT, "torchvision_ops.json"), "w") as f:
        json.dump({"torchvision": __import__("torchvision").__version__, "cases": cases}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(ROOT, exist_ok=True)
    image_files()
    torchvision_ops()
