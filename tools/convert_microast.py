"""Convert the MicroAST authors' published weights into the safetensors file videostyle ships.

    python tools/convert_microast.py MODELS_DIR [--output videostyle/feedforward/builtin/weights/microast.safetensors]

MODELS_DIR holds the four files of github.com/EndyWon/MicroAST/models (MIT license, Zhizhong Wang):
content_encoder_iter_160000.pth.tar, style_encoder_..., modulator_..., decoder_.... Nothing is
downloaded here. The authors' modules register their convolutions in the order they run, as
``MicroASTNetwork``'s parts do, so parameters are matched part by part in order, with every shape
checked; the result loads strictly (every key present, none left over).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from safetensors.torch import save_file

from videostyle.feedforward.builtin.microast import WEIGHTS, MicroASTNetwork

PARTS = {"content": "content_encoder", "style": "style_encoder", "modulator": "modulator", "decoder": "decoder"}
SUFFIX = "_iter_160000.pth.tar"


def convert(models_dir: Path) -> dict[str, torch.Tensor]:
    """Our state dict, filled from the four reference files."""
    network = MicroASTNetwork()
    converted: dict[str, torch.Tensor] = {}
    for part, stem in PARTS.items():
        source = torch.load(models_dir / f"{stem}{SUFFIX}", map_location="cpu", weights_only=True)
        ours = getattr(network, part).state_dict()
        if len(source) != len(ours):
            raise SystemExit(f"{stem}: {len(source)} tensors, expected {len(ours)}")
        for (name, target), (their_name, value) in zip(ours.items(), source.items()):
            if name.rsplit(".", 1)[-1] != their_name.rsplit(".", 1)[-1] or target.shape != value.shape:
                raise SystemExit(f"{stem}: {their_name} {tuple(value.shape)} does not fit {name} {tuple(target.shape)}")
            converted[f"{part}.{name}"] = value.float().contiguous()
    network.load_state_dict(converted)  # strict: proves the file is complete
    return converted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models_dir", type=Path)
    parser.add_argument("--output", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    tensors = convert(args.models_dir)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"source": "https://github.com/EndyWon/MicroAST (models/*_iter_160000.pth.tar)", "license": "MIT"}
    save_file(tensors, str(args.output), metadata=metadata)
    print(f"wrote {args.output}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values())} parameters")


if __name__ == "__main__":
    main()
