"""The one training loop of the feed-forward engine, shared by style networks (train.py) and AdaIN decoders.

Each trainer brings its own network, data, loss step and preview picture; this loop owns what they
share: Adam and resuming from the checkpoint beside the model, the weight update's common half (pairs
of frames, the temporal term, backward and step), checkpoints and previews every few steps, and the
progress events the CLI renders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..media import write_image
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .data import TrainBatch
from .losses import temporal_loss
from .options import TrainOptions

PREVIEW_LONG_SIDE = 384


@dataclass(frozen=True)
class TrainProgress:
    """State after one training step; losses stay tensors until read (reading syncs the GPU)."""

    index: int
    total: int
    _parts: dict[str, torch.Tensor]
    checkpoint: Path | None = None
    preview: Path | None = None
    skipped_images: int = field(default=0)

    @property
    def parts(self) -> dict[str, float]:
        return {name: float(value) for name, value in self._parts.items()}

    @property
    def loss(self) -> float:
        return sum(self.parts.values())


@dataclass
class Trainee:
    """The module a training saves, its optimizer, where it is checkpointed as what, and the step it starts at."""

    network: torch.nn.Module
    optimizer: torch.optim.Optimizer
    checkpoint: Path
    identity: dict[str, object]
    start: int = 0

    @classmethod
    def begin(cls, network: torch.nn.Module, lr: float, checkpoint: Path, identity: dict[str, object], resume: bool) -> Trainee:
        """Adam on ``network``; with ``resume``, both as the checkpoint left them (refused for another ``identity``)."""
        optimizer = torch.optim.Adam(network.parameters(), lr=lr)
        if not resume:
            return cls(network, optimizer, checkpoint, identity)
        state = load_checkpoint(checkpoint, identity)
        network.load_state_dict(state.network)
        optimizer.load_state_dict(state.optimizer)
        return cls(network, optimizer, checkpoint, identity, state.step)

    def run(
        self,
        options: TrainOptions,
        update: Callable[[], dict[str, torch.Tensor]],
        preview: Callable[[int], Path],
        skipped: Callable[[], int] = lambda: 0,
    ) -> Generator[TrainProgress, None, None]:
        """``update()`` once a step up to ``options.steps``; a checkpoint every ``checkpoint_every`` steps and
        ``preview(step)`` every ``preview_every`` (both at the end too); ``skipped()`` counts unreadable images."""
        for step in range(self.start, options.steps):
            parts = update()
            done = step + 1
            saved = picture = None
            if done % options.checkpoint_every == 0 or done == options.steps:
                state = Checkpoint(done, self.network.state_dict(), self.optimizer.state_dict(), self.identity)
                save_checkpoint(state, self.checkpoint)
                saved = self.checkpoint
            if options.preview_every and (done % options.preview_every == 0 or done == options.steps):
                picture = preview(done)
            yield TrainProgress(step, options.steps, parts, saved, picture, skipped())

    def finish(self, options: TrainOptions, saved: Path) -> Path:
        """After the model file ``saved`` is written: its checkpoint goes, unless ``keep_checkpoint`` (a stopped
        training keeps it, to continue with --resume; a finished one left MODEL.ckpt behind for nothing)."""
        if not options.keep_checkpoint:
            self.checkpoint.unlink(missing_ok=True)
        return saved

    def settings(self, options: TrainOptions, data: Sequence[str | os.PathLike], **more: object) -> dict[str, object]:
        """What the model file records of its training."""
        return {**options.settings(), "data": [str(p) for p in data], **more, "steps_done": max(self.start, options.steps)}


def frames_of(batch: TrainBatch) -> torch.Tensor:
    """The batch's images, followed by the second frame of each pair when it has pairs."""
    return batch.images if batch.following is None else torch.cat([batch.images, batch.following])


def finish_update(
    optimizer: torch.optim.Optimizer,
    parts: dict[str, torch.Tensor],
    output: torch.Tensor,
    batch: TrainBatch,
    temporal_weight: float,
) -> dict[str, torch.Tensor]:
    """Add the temporal term (pairs: the second output must follow the first along the flow), step on the
    sum of the weighted ``parts``, and return them detached."""
    if batch.following is not None and temporal_weight > 0:
        first, following = output.chunk(2)
        parts["temporal"] = temporal_weight * temporal_loss(first, following, batch.flow, batch.reliable)  # type: ignore[arg-type]
    torch.stack(list(parts.values())).sum().backward()
    optimizer.step()
    return {name: value.detach() for name, value in parts.items()}


def preview_folder(model_path: Path) -> Path:
    return model_path.with_name(f"{model_path.stem}.previews")


def save_preview(picture: torch.Tensor, target: Path, step: int) -> Path:
    """Write a preview picture of step ``step`` beside the model ``target``."""
    path = preview_folder(target) / f"step-{step:07d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_image(picture.float().cpu(), path, overwrite=True)
    return path
