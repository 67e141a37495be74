"""Train a style network (Johnson et al. 2016; several styles per Dumoulin et al. 2017).

Unlike the optimization engine, which optimizes the pixels of one image, training optimizes the
network's weights over batches of random crops, so its loop lives here; the loss itself is the
project's content, style and TV objectives (see losses.py). Progress is yielded, checkpoints and
preview images are written every few steps, and the model file appears only when training ends.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from ..backbones import Backbone, load_backbone
from ..errors import OptionError
from ..media import read_image, write_image
from ..precision import autocast, compute_dtype
from ..progress import drain
from ..resize import resize_long_side
from .checkpoint import Checkpoint, claim_target, load_checkpoint, save_checkpoint
from .data import CropSampler, TrainBatch, find_sources, first_picture, load_ahead
from .losses import PerceptualLoss, temporal_loss
from .model_file import ModelInfo, save_model
from .network import NetworkConfig, StyleNetwork
from .options import TrainOptions

StyleInput = str | os.PathLike | torch.Tensor
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


def iter_train(
    styles: Sequence[StyleInput],
    data: Sequence[str | os.PathLike],
    target: str | os.PathLike,
    options: TrainOptions = TrainOptions(),
    device: torch.device | str = "cpu",
    resume: bool = False,
    overwrite: bool = False,
    backbone: Backbone | None = None,
) -> Generator[TrainProgress, None, Path]:
    """Train a network on crops of ``data`` to paint in ``styles``; returns the model path.

    ``resume`` continues from the checkpoint next to ``target`` (MODEL.ckpt), up to ``options.steps``.
    """
    device = torch.device(device)
    target = Path(target)
    ckpt = claim_target(target, "model", resume, overwrite)
    names, images = _load_styles(styles)
    sources = find_sources(list(data))
    identity = {**options.identity(), "styles": [_fingerprint(image) for image in images]}

    network = StyleNetwork(NetworkConfig(len(images), options.width)).to(device)
    if device.type == "cuda":
        network = network.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(network.parameters(), lr=options.lr)
    start = 0
    if resume:
        state = load_checkpoint(ckpt, identity)
        network.load_state_dict(state.network)
        optimizer.load_state_dict(state.optimizer)
        start = state.step
    full = backbone if backbone is not None else load_backbone(options.backbone, device, options.weights, options.download)
    dtype = compute_dtype(options.precision, device, gradients=True)
    loss_fn = PerceptualLoss(full.to(device), images, options, dtype)
    forward = torch.compile(network) if options.compile else network  # shares the weights; `network` is saved

    # Seeded from the step reached, so a resumed run continues deterministically too.
    sampler = CropSampler(sources, options.size, seed=options.seed + start, pairs=options.temporal_weight > 0)
    chooser = torch.Generator().manual_seed(options.seed + start)
    preview_subject = resize_long_side(first_picture(sources), PREVIEW_LONG_SIDE).to(device)
    with load_ahead(sampler.batches(options.batch_size), device) as loader:
        batches = iter(loader)
        for step in range(start, options.steps):
            batch = next(batches).to(device)
            style_index = torch.randint(len(images), (options.batch_size,), generator=chooser).to(device)
            parts = train_step(forward, optimizer, loss_fn, batch, style_index, options.temporal_weight, dtype)  # type: ignore[arg-type]

            done = step + 1
            saved = preview = None
            if done % options.checkpoint_every == 0 or done == options.steps:
                save_checkpoint(Checkpoint(done, network.state_dict(), optimizer.state_dict(), identity), ckpt)
                saved = ckpt
            if options.preview_every and (done % options.preview_every == 0 or done == options.steps):
                preview = _write_preview(network, preview_subject, target, done)
            yield TrainProgress(step, options.steps, parts, saved, preview, len(sampler.skipped))

    settings = {**options.settings(), "data": [str(p) for p in data], "steps_done": max(start, options.steps)}
    info = ModelInfo(network.config, names, full.name, settings)
    return save_model(network, info, target, overwrite=overwrite or resume)


def train_step(
    network: StyleNetwork,
    optimizer: torch.optim.Optimizer,
    loss_fn: PerceptualLoss,
    batch: TrainBatch,
    style_index: torch.Tensor,
    temporal_weight: float = 0.0,
    dtype: torch.dtype = torch.float32,
) -> dict[str, torch.Tensor]:
    """One update of the network's weights on a batch, each image rendered in its own style.

    A batch of pairs is rendered whole (both frames count for content and style) and the temporal
    loss ties each pair's two outputs together along the flow. The network computes in ``dtype``
    (autocast; its weights and Adam's state stay fp32) and its output is fp32 again before any loss.
    Returns the weighted loss parts.
    """
    network.train()
    optimizer.zero_grad(set_to_none=True)
    paired = batch.following is not None
    content = torch.cat([batch.images, batch.following]) if paired else batch.images  # type: ignore[list-item]
    index = style_index.repeat(2) if paired else style_index
    if content.is_cuda:
        content = content.contiguous(memory_format=torch.channels_last)
    with autocast(content.device, dtype):
        output = network(content, F.one_hot(index, network.config.styles).float()).float()
    parts = loss_fn(content, output, index)
    if paired and temporal_weight > 0:
        first, following = output.chunk(2)
        parts["temporal"] = temporal_weight * temporal_loss(first, following, batch.flow, batch.reliable)  # type: ignore[arg-type]
    torch.stack(list(parts.values())).sum().backward()
    optimizer.step()
    return {name: value.detach() for name, value in parts.items()}


def train(
    styles: Sequence[StyleInput],
    data: Sequence[str | os.PathLike],
    target: str | os.PathLike,
    options: TrainOptions = TrainOptions(),
    device: torch.device | str = "cpu",
    **kwargs: object,
) -> Path:
    """Train without progress display (for Python callers)."""
    return drain(iter_train(styles, data, target, options, device, **kwargs))  # type: ignore[arg-type]


def preview_folder(model_path: Path) -> Path:
    return model_path.with_name(f"{model_path.stem}.previews")


@torch.no_grad()
def _write_preview(network: StyleNetwork, subject: torch.Tensor, target: Path, step: int) -> Path:
    """The preview subject followed by its rendering in each style, side by side."""
    network.eval()
    styles = network.config.styles
    batch = subject.expand(styles, -1, -1, -1)
    rendered = network(batch, torch.eye(styles, device=subject.device))
    row = torch.cat([subject, *rendered.split(1)], dim=-1)
    path = preview_folder(target) / f"step-{step:07d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_image(row.float().cpu(), path, overwrite=True)
    return path


def _load_styles(styles: Sequence[StyleInput]) -> tuple[tuple[str, ...], list[torch.Tensor]]:
    if not styles:
        raise OptionError("give at least one style image (-s STYLE)")
    names = tuple(f"style{i}" if isinstance(s, torch.Tensor) else Path(s).stem for i, s in enumerate(styles))
    images = [s if isinstance(s, torch.Tensor) else read_image(s) for s in styles]
    return names, images


def _fingerprint(image: torch.Tensor) -> str:
    """Identifies a style image by content, so a resumed run cannot silently switch styles."""
    pixels = image.detach().float().mul(255).round().to(torch.uint8).cpu().numpy()
    return hashlib.sha256(pixels.tobytes()).hexdigest()[:16]
