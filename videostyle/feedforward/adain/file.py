"""AdaIN decoder files: safetensors weights + metadata naming the encoder (backbone, layer) they decode.

The encoder's weights are the backbone's own and are not stored; the metadata says which backbone
and layer to rebuild, so ``stylize --model DECODER.safetensors -s ANY.jpg`` needs nothing else.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save

from ...errors import InputError, OutputError
from ...media.atomic import atomic_output
from .network import Decoder

FORMAT = "videostyle-adain"
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class DecoderInfo:
    backbone: str
    layer: str
    channels: int
    stride: int
    training: dict[str, object] = field(default_factory=dict)

    def metadata(self) -> dict[str, str]:
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "backbone": self.backbone, "layer": self.layer,
            "channels": str(self.channels), "stride": str(self.stride), "training": json.dumps(self.training, sort_keys=True),
        }


def is_adain_file(path: str | os.PathLike) -> bool:
    """True for a readable safetensors file whose metadata says it is an AdaIN decoder."""
    path = Path(path)
    if path.suffix.lower() != ".safetensors" or not path.is_file():
        return False
    try:
        with safe_open(str(path), framework="pt") as reader:
            return (reader.metadata() or {}).get("format") == FORMAT
    except (SafetensorError, OSError):
        return False


def save_decoder(decoder: Decoder, info: DecoderInfo, path: str | os.PathLike, overwrite: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".safetensors":
        raise OutputError(f"{path}: decoder files end in .safetensors")
    state = {name: t.detach().to("cpu", torch.float32).contiguous() for name, t in decoder.state_dict().items()}
    with atomic_output(path, overwrite) as tmp:
        tmp.write_bytes(save(state, metadata=info.metadata()))  # into the umask-mode file (save_file makes 0600)
    return path


def read_decoder_info(path: str | os.PathLike) -> DecoderInfo:
    """The metadata alone (the weights are not read)."""
    return _read(Path(path), weights=False)[1]


def load_decoder(path: str | os.PathLike, device: torch.device | str = "cpu") -> tuple[Decoder, DecoderInfo]:
    """Rebuild a decoder on ``device``, in eval mode with gradients off."""
    state, info = _read(Path(path), weights=True)
    decoder = Decoder(info.channels, info.stride)
    try:
        decoder.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise InputError(f"{path} does not match its own metadata (weights of another shape); retrain it") from exc
    return decoder.eval().requires_grad_(False).to(device), info


def _read(path: Path, weights: bool) -> tuple[dict[str, torch.Tensor], DecoderInfo]:
    try:
        with safe_open(str(path), framework="pt") as reader:
            meta = reader.metadata() or {}
            state = {name: reader.get_tensor(name) for name in reader.keys()} if weights else {}
    except (SafetensorError, OSError) as exc:
        raise InputError(f"cannot read {path} as a decoder file; is it complete?") from exc
    if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path} is not an AdaIN decoder of this version; train one with `videostyle train --arbitrary`")
    try:
        info = DecoderInfo(
            meta["backbone"], meta["layer"], int(meta["channels"]), int(meta["stride"]), json.loads(meta.get("training", "{}"))
        )
    except (KeyError, ValueError) as exc:
        raise InputError(f"{path} has damaged decoder metadata ({exc}); retrain it") from exc
    return state, info
