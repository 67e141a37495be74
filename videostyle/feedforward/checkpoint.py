"""Training checkpoints: enough state to continue an interrupted training where it stopped.

A checkpoint sits next to the model (``MODEL.ckpt``) and holds the network and optimizer state,
the step reached and what identifies the training (styles, width, backbone, layers); a resumed run
with a different identity is refused rather than silently mixing two trainings.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from pathlib import Path

import torch

from ..errors import InputError, OutputError
from ..media.atomic import atomic_output, check_writable


@dataclass
class Checkpoint:
    step: int
    network: dict[str, torch.Tensor]
    optimizer: dict[str, object]
    identity: dict[str, object]


def checkpoint_path(model_path: Path) -> Path:
    return model_path.with_suffix(".ckpt")


def claim_target(target: Path, what: str, resume: bool, overwrite: bool) -> Path:
    """Check a training's output before any work: ``target`` is a writable .safetensors file, and an
    earlier training's checkpoint beside it is continued only with ``resume`` (or replaced with
    ``overwrite``). Returns the checkpoint path. ``--resume`` may replace the training's own model."""
    if target.suffix.lower() != ".safetensors":
        raise OutputError(f"{target}: the {what} file must end in .safetensors")
    check_writable(target, overwrite or resume)
    ckpt = checkpoint_path(target)
    if ckpt.exists() and not (resume or overwrite):
        raise OutputError(f"{ckpt} holds an earlier training; pass --resume to continue it or --overwrite to start over")
    return ckpt


def save_checkpoint(checkpoint: Checkpoint, path: Path) -> None:
    """Replace the checkpoint atomically: an interruption while saving keeps the previous one."""
    state = {
        "step": checkpoint.step,
        "network": checkpoint.network,
        "optimizer": checkpoint.optimizer,
        "identity": checkpoint.identity,
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    with atomic_output(path, overwrite=True) as tmp:
        tmp.write_bytes(buffer.getbuffer())  # a full disk is an OSError here (torch.save raises RuntimeError)


def load_checkpoint(path: Path, identity: dict[str, object]) -> Checkpoint:
    """Read a checkpoint and check it belongs to the training described by ``identity``."""
    if not path.is_file():
        raise InputError(f"no checkpoint to resume at {path}; start the training without --resume")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        checkpoint = Checkpoint(int(state["step"]), state["network"], state["optimizer"], dict(state["identity"]))
    except (OSError, RuntimeError, KeyError, TypeError, ValueError, EOFError, pickle.UnpicklingError) as exc:
        raise InputError(f"cannot read checkpoint {path}; delete it and train without --resume") from exc
    changed = sorted(key for key in identity if checkpoint.identity.get(key) != identity[key])
    if changed:
        raise InputError(
            f"checkpoint {path} belongs to another training ({', '.join(changed)} differ); "
            "use the same styles and settings, or train without --resume"
        )
    return checkpoint
