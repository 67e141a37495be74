"""Train a style network (Johnson et al. 2016; several styles per Dumoulin et al. 2017).

Unlike the optimization engine, which optimizes the pixels of one image, training optimizes the
network's weights over batches of random crops, in the loop it shares with AdaIN decoders
(training_loop.py); the loss is the project's content, style and TV objectives (see losses.py).
Progress is yielded, checkpoints and preview images are written every few steps, and the model file
appears only when training ends.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from ... import compiling
from ...backbones import Backbone, load_backbone
from ...errors import OptionError
from ...media import read_image
from ...precision import autocast, compute_dtype
from ...progress import drain
from ...resize import resize_long_side
from ..checkpoint import claim_target
from ..data import CropSampler, TrainBatch, find_sources, first_picture, load_ahead
from ..losses import PerceptualLoss
from .model_file import ModelInfo, save_model
from .network import NetworkConfig, StyleNetwork
from ..options import TrainOptions
from ..training_loop import PREVIEW_LONG_SIDE, Trainee, TrainProgress, finish_update, frames_of, save_preview

StyleInput = str | os.PathLike | torch.Tensor


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

    network = StyleNetwork(NetworkConfig(len(images), options.width_mult)).to(device)
    if device.type == "cuda":
        network = network.to(memory_format=torch.channels_last)
    trainee = Trainee.begin(network, options.lr, ckpt, identity, resume)
    full = backbone if backbone is not None else load_backbone(options.backbone, device, options.weights, not options.offline)
    dtype = compute_dtype(options.precision, device, gradients=True)
    loss_fn = PerceptualLoss(full.to(device), images, options, dtype)
    forward = compiling.network(network, options.compile)  # shares the weights; `network` is saved

    # Seeded from the step reached, so a resumed run continues deterministically too.
    sampler = CropSampler(sources, options.size, seed=options.seed + trainee.start, pairs=options.temporal_weight > 0)
    chooser = torch.Generator().manual_seed(options.seed + trainee.start)
    preview_subject = resize_long_side(first_picture(sources), PREVIEW_LONG_SIDE).to(device)
    with load_ahead(sampler.batches(options.batch_size), device) as loader:
        batches = iter(loader)

        def update() -> dict[str, torch.Tensor]:
            batch = next(batches).to(device)
            style_index = torch.randint(len(images), (options.batch_size,), generator=chooser).to(device)
            return train_step(forward, trainee.optimizer, loss_fn, batch, style_index, options.temporal_weight, dtype)  # type: ignore[arg-type]

        yield from trainee.run(
            options, update, lambda step: _write_preview(network, preview_subject, target, step), lambda: len(sampler.skipped)
        )

    info = ModelInfo(network.config, names, full.name, trainee.settings(options, data))
    return trainee.finish(options, save_model(network, info, target, overwrite=overwrite or resume))


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
    content = frames_of(batch)
    index = style_index.repeat(2) if batch.following is not None else style_index
    if content.is_cuda:
        content = content.contiguous(memory_format=torch.channels_last)
    with autocast(content.device, dtype):
        output = network(content, F.one_hot(index, network.config.styles).float()).float()
    return finish_update(optimizer, loss_fn(content, output, index), output, batch, temporal_weight)


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


@torch.no_grad()
def _write_preview(network: StyleNetwork, subject: torch.Tensor, target: Path, step: int) -> Path:
    """The preview subject followed by its rendering in each style, side by side."""
    network.eval()
    styles = network.config.styles
    batch = subject.expand(styles, -1, -1, -1)
    rendered = network(batch, torch.eye(styles, device=subject.device))
    return save_preview(torch.cat([subject, *rendered.split(1)], dim=-1), target, step)


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
