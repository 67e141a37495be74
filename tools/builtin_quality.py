"""The built-in networks side by side: pictures, a neutral measure of style and content, and flicker.

    python tools/builtin_quality.py [--out docs/images] [--size 384] [--video-style samples/styles/the_scream.jpg]
                                    [--precision fp32] [--skip-video]

Writes into --out:

* ``builtin_any_style.jpg``: for each sample style, the style image, then samples/photo.jpg through
  builtin:arbitrary and builtin:microast (long side --size);
* ``builtin_sheet_microast.jpg``: ``videostyle sheet`` of the photo with the sample styles (all built-in networks);

and prints two Markdown tables:

* style and content, measured with a network neither model was trained with (EfficientNet-Lite0,
  the project's default backbone): *style distance*, the mean over its style layers of the distance
  between the per-channel mean and standard deviation of the result's features and the style
  image's, relative to the size of the style's (lower = closer to the style); *content kept*, the
  cosine similarity of the result's and the photo's features at its content layer (higher = more of
  the photo kept). The photo itself scores the style distance of "no stylization";
* E_warp (videostyle.metrics) of samples/clip.mp4 stylized by every built-in network family, with
  and without --stabilize, and its ratio to the input's own E_warp (1 = as steady as the input).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch

from videostyle.backbones import load_backbone
from videostyle.feedforward.arbitrary import ANY_STYLE_LOADERS, blended_style
from videostyle.feedforward.inference import FrameStylizer, InferenceOptions
from videostyle.feedforward.pipeline import iter_apply_model_video
from videostyle.feedforward.sheet import iter_style_sheet
from videostyle.media import IMAGE_EXTS, read_image, write_image
from videostyle.metrics import warping_error
from videostyle.progress import drain
from videostyle.resize import fit_size, resize
from videostyle.video import OutputOptions

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DEVICE = torch.device("cpu")


def stylized(name: str, photo: torch.Tensor, style: Path, precision: str) -> torch.Tensor:
    options = InferenceOptions(style_images=(style,), precision=precision)
    network = ANY_STYLE_LOADERS[name](1.0)
    return FrameStylizer(network, blended_style(network.encode_style, options, DEVICE), DEVICE, options).images(photo)


class Judge:
    """Feature statistics of a network that trained neither model."""

    def __init__(self) -> None:
        self.backbone = load_backbone("efficientnet-lite0", DEVICE, download=False)
        self.style_layers = ("stem", "block2", "block4", "block7", "block10")
        self.content_layer = "block7"

    @torch.inference_mode()
    def features(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.backbone(image, (*self.style_layers, self.content_layer))

    def style_distance(self, result: dict[str, torch.Tensor], style: dict[str, torch.Tensor]) -> float:
        distances = []
        for layer in self.style_layers:
            a, b = (torch.cat([f.mean(dim=(2, 3)), f.std(dim=(2, 3))], dim=1) for f in (result[layer], style[layer]))
            distances.append(((a - b).norm() / b.norm()).item())
        return float(np.mean(distances))

    def content_kept(self, result: dict[str, torch.Tensor], content: dict[str, torch.Tensor]) -> float:
        a, b = result[self.content_layer].flatten(), content[self.content_layer].flatten()
        return torch.nn.functional.cosine_similarity(a, b, dim=0).item()


def pictures_and_measures(out: Path, size: int, precision: str) -> None:
    photo = read_image(SAMPLES / "photo.jpg")
    photo = resize(photo, fit_size(*photo.shape[-2:], size))
    styles = sorted(p for p in (SAMPLES / "styles").iterdir() if p.suffix.lower() in IMAGE_EXTS)
    judge = Judge()
    content = judge.features(photo)
    rows, table = [], []
    for style_path in styles:
        style = read_image(style_path)
        style_feats = judge.features(resize(style, fit_size(*style.shape[-2:], size)))
        cells = [resize(style, photo.shape[-2:])]  # squashed to the tile: only to show the palette and strokes
        scores = [f"{judge.style_distance(content, style_feats):.3f}"]
        for name in ANY_STYLE_LOADERS:
            result = stylized(name, photo, style_path, precision)
            cells.append(result)
            feats = judge.features(result)
            scores += [f"{judge.style_distance(feats, style_feats):.3f}", f"{judge.content_kept(feats, content):.3f}"]
        rows.append(torch.cat(cells, dim=-1))
        table.append(f"| {style_path.name} | " + " | ".join(scores) + " |")
    write_image(torch.cat(rows, dim=-2), out / "builtin_any_style.jpg", overwrite=True)
    sheet = out / "builtin_sheet_microast.jpg"
    drain(iter_style_sheet(SAMPLES / "photo.jpg", sheet, SAMPLES / "styles", cell=160, device=DEVICE, overwrite=True))
    names = list(ANY_STYLE_LOADERS)
    print(f"photo {photo.shape[-1]}x{photo.shape[-2]}; style distance (lower = closer), content kept (higher = more)\n")
    print("| style | photo itself: style distance | " + " | ".join(f"{n}: style distance | {n}: content kept" for n in names) + " |")
    print("|---|---|" + "---|---|" * len(names))
    print("\n".join(table))


def steadiness(style: Path, precision: str) -> None:
    clip = SAMPLES / "clip.mp4"
    runs = {"builtin:19": (), "builtin:arbitrary": (style,), "builtin:microast": (style,)}
    print(f"\nE_warp on {clip.name} (style image for the any-style networks: {style.name})\n")
    print("| network | E_warp | / input | E_warp --stabilize | / input |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model, style_images in runs.items():
            cells = []
            for stabilize in (False, True):
                target = Path(tmp) / "out.mp4"
                options = InferenceOptions(style_images=style_images, stabilize=stabilize, precision=precision)
                drain(iter_apply_model_video(clip, target, model, options, OutputOptions(overwrite=True), DEVICE))
                result = warping_error(clip, target, device=DEVICE)
                cells += [f"{result['warping_error']['stylized']:.5f}", f"{result['ratio']:.2f}"]
            print(f"| {model} | " + " | ".join(cells) + " |")
        print(f"\ninput's own E_warp: {result['warping_error']['input']:.5f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--video-style", type=Path, default=SAMPLES / "styles" / "the_scream.jpg")
    parser.add_argument("--skip-video", action="store_true")
    parser.add_argument("--precision", default="fp32", help="the networks' arithmetic (stylize --precision)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pictures_and_measures(args.out, args.size, args.precision)
    if not args.skip_video:
        steadiness(args.video_style, args.precision)


if __name__ == "__main__":
    main()
