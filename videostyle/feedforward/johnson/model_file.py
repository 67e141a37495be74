"""Style models on disk: safetensors weights plus string metadata that says how to rebuild the network.

A model file is self-describing (architecture, width, style names, backbone, training settings), so
``stylize --model`` needs nothing else, and anything that is not such a file is refused with one
clear InputError instead of a shape-mismatch traceback.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save

from ...errors import InputError, OptionError, OutputError
from ...media.atomic import atomic_output
from .network import NetworkConfig, StyleNetwork

FORMAT = "videostyle-feedforward"
FORMAT_VERSION = "1"
ARCHITECTURE = "johnson-cin"


@dataclass(frozen=True)
class ModelInfo:
    """Everything about a trained model except its weights."""

    config: NetworkConfig
    style_names: tuple[str, ...]
    backbone: str
    training: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.style_names) != self.config.styles:
            raise ValueError(f"{len(self.style_names)} style names for a network of {self.config.styles} styles")

    def metadata(self) -> dict[str, str]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "architecture": ARCHITECTURE,
            "width": repr(self.config.width),
            "styles": json.dumps(list(self.style_names)),
            "backbone": self.backbone,
            "training": json.dumps(self.training, sort_keys=True),
        }

    @classmethod
    def from_metadata(cls, meta: dict[str, str], path: Path) -> ModelInfo:
        if meta.get("format") != FORMAT:
            raise InputError(f"{path} is a safetensors file but not a videostyle model; train one with `videostyle train`")
        if meta.get("format_version") != FORMAT_VERSION or meta.get("architecture") != ARCHITECTURE:
            raise InputError(
                f"{path} is a videostyle model of another version ({meta.get('architecture')} "
                f"v{meta.get('format_version')}); retrain it with this version"
            )
        try:
            names = tuple(str(n) for n in json.loads(meta["styles"]))
            config = NetworkConfig(styles=len(names), width=float(meta["width"]))
            training = json.loads(meta.get("training", "{}"))
            return cls(config, names, meta.get("backbone", ""), training)
        except (KeyError, ValueError, TypeError, OptionError) as exc:
            raise InputError(f"{path} has damaged model metadata ({exc}); retrain or re-download it") from exc


def save_model(network: StyleNetwork, info: ModelInfo, path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write weights and metadata atomically; the file appears only when complete."""
    path = Path(path)
    if path.suffix.lower() != ".safetensors":
        raise OutputError(f"{path}: model files end in .safetensors")
    state = {name: t.detach().to("cpu", torch.float32).contiguous() for name, t in network.state_dict().items()}
    with atomic_output(path, overwrite) as tmp:
        tmp.write_bytes(save(state, metadata=info.metadata()))  # into the umask-mode file (save_file makes 0600)
    return path


def read_model_info(path: str | os.PathLike) -> ModelInfo:
    """The metadata alone (cheap: the weights are not read)."""
    path = _check_path(path)
    try:
        with safe_open(str(path), framework="pt") as reader:
            return ModelInfo.from_metadata(reader.metadata() or {}, path)
    except (SafetensorError, OSError) as exc:
        raise InputError(f"cannot read {path} as a model file ({_first_line(exc)}); is it complete?") from exc


def load_model(path: str | os.PathLike, device: torch.device | str = "cpu") -> tuple[StyleNetwork, ModelInfo]:
    """Rebuild the network of a model file on ``device``, in eval mode with gradients off."""
    path = _check_path(path)
    try:
        with safe_open(str(path), framework="pt") as reader:
            info = ModelInfo.from_metadata(reader.metadata() or {}, path)
            state = {name: reader.get_tensor(name) for name in reader.keys()}
    except (SafetensorError, OSError) as exc:
        raise InputError(f"cannot read {path} as a model file ({_first_line(exc)}); is it complete?") from exc
    broken = [name for name, tensor in state.items() if tensor.is_floating_point() and not torch.isfinite(tensor).all()]
    if broken:
        raise InputError(f"{path} holds weights that are not finite (NaN or infinity, e.g. {broken[0]}); retrain it")
    network = StyleNetwork(info.config)
    try:
        network.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise InputError(f"{path} does not match its own metadata (weights of another shape); retrain it") from exc
    network.requires_grad_(False)
    return network.eval().to(device), info


def _check_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"model file {path} does not exist; train one with `videostyle train`")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a .safetensors model file")
    if _is_checkpoint(path):
        raise InputError(
            f"{path} is a training checkpoint, not a model; finish the training with `videostyle train ... --resume` "
            f"and give its .safetensors model file"
        )
    return path


def _is_checkpoint(path: Path) -> bool:
    """Training checkpoints are torch.save zip archives (MODEL.ckpt next to the model)."""
    try:
        with path.open("rb") as file:
            return path.suffix.lower() == ".ckpt" or file.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
