"""Train an AdaIN decoder (Huang & Belongie 2017) for any style: ``videostyle train --arbitrary``.

Each step draws content crops (image folders or videos, as ``train``) and style crops (style images
or folders of them), computes t = AdaIN(f(content), f(style)) at the encoder layer and trains the
decoder g so that f(g(t)) matches t (content loss) and the mean/std of the backbone's style layers
on g(t) match the style's (style loss). No total-variation term (the paper has none). With
``--temporal-weight`` the crops come in pairs with their flow and the output of the second must
follow the first, as in ``train``. Progress, checkpoints (MODEL.ckpt), previews and --resume behave
as in ``train``; the decoder file's metadata names the encoder it belongs to.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from ... import compiling
from ...backbones import Backbone, backbone_spec, load_backbone
from ...errors import OptionError
from ...precision import autocast, compute_dtype
from ...resize import resize_long_side
from .network import DEFAULT_LAYERS, AdaINNetwork, Decoder, adain, feature_stats, probe_encoder
from .file import DecoderInfo, save_decoder
from ..checkpoint import claim_target
from ..data import CropSampler, TrainBatch, find_sources, first_picture, load_ahead
from ..options import TrainOptions
from ..training_loop import PREVIEW_LONG_SIDE, Trainee, TrainProgress, finish_update, frames_of, save_preview

PREVIEW_STYLES = 4


def encoder_layers(options: TrainOptions, backbone: Backbone) -> tuple[str, tuple[str, ...]]:
    """(the layer AdaIN works at, the style-loss layers): the last of --content-layers, else the backbone's
    AdaIN default; --style-layers, else the backbone's style layers up to that layer."""
    spec = backbone_spec(options.backbone)
    layer = options.content_layers[-1] if options.content_layers else DEFAULT_LAYERS.get(spec.name, spec.content_layers[0])
    names = backbone.layer_names
    backbone.check_layers([layer, *(options.style_layers or ())])
    depth = names.index(layer)
    style_layers = options.style_layers or tuple(n for n in spec.style_layers if n in names and names.index(n) <= depth)
    return layer, tuple(style_layers) or (layer,)


def iter_train_adain(
    styles: Sequence[str | os.PathLike],
    data: Sequence[str | os.PathLike],
    target: str | os.PathLike,
    options: TrainOptions = TrainOptions(),
    device: torch.device | str = "cpu",
    resume: bool = False,
    overwrite: bool = False,
    backbone: Backbone | None = None,
) -> Generator[TrainProgress, None, Path]:
    """Train a decoder on crops of ``data`` and of the style images under ``styles``; returns the decoder path."""
    device = torch.device(device)
    target = Path(target)
    ckpt = claim_target(target, "decoder", resume, overwrite)
    if not styles:
        raise OptionError("give style images or a folder of them with -s STYLES")
    style_sources = find_sources(list(styles))
    sources = find_sources(list(data))
    full = backbone if backbone is not None else load_backbone(options.backbone, device, options.weights, not options.offline)
    layer, style_layers = encoder_layers(options, full)
    identity = {"arbitrary": True, "backbone": full.name, "layer": layer, "style_layers": list(style_layers)}
    dtype = compute_dtype(options.precision, device, gradients=True)
    encoder = full.to(device).truncated([layer, *style_layers]).configure(dtype, options.compile)
    channels, stride = probe_encoder(encoder, layer)
    decoder = Decoder(channels, stride).to(device)
    forward = compiling.network(decoder, options.compile)  # shares the weights; `decoder` is saved
    trainee = Trainee.begin(decoder, options.lr, ckpt, identity, resume)

    pairs = options.temporal_weight > 0
    contents = CropSampler(sources, options.size, seed=options.seed + trainee.start, pairs=pairs).batches(options.batch_size)
    style_crop = max(32, round(options.size * options.style_scale))
    style_pool = min(64, max(8, style_sources.count))  # few style images: a small pool, not 64 re-reads
    style_batches = CropSampler(style_sources, style_crop, seed=options.seed + trainee.start + 1, pool=style_pool).batches(
        options.batch_size
    )
    subject = resize_long_side(first_picture(sources), PREVIEW_LONG_SIDE).to(device)
    preview_styles = torch.cat([next(style_batches).images[:1] for _ in range(PREVIEW_STYLES)]).to(device)
    with (
        load_ahead(contents, device, "videostyle-loader") as content_loader,
        load_ahead(style_batches, device, "videostyle-style-loader") as style_loader,
    ):
        loaded, styled = iter(content_loader), iter(style_loader)

        def update() -> dict[str, torch.Tensor]:
            batch = next(loaded).to(device)
            style = next(styled).images.to(device)
            return adain_step(forward, trainee.optimizer, encoder, layer, style_layers, batch, style, options, dtype)  # type: ignore[arg-type]

        def preview(step: int) -> Path:
            return _write_preview(AdaINNetwork(encoder, layer, decoder), subject, preview_styles, target, step)

        yield from trainee.run(options, update, preview)

    settings = trainee.settings(options, data, styles=[str(s) for s in styles], layer=layer, style_layers=list(style_layers))
    info = DecoderInfo(full.name, layer, channels, stride, settings)
    return trainee.finish(options, save_decoder(decoder, info, target, overwrite=overwrite or resume))


def adain_step(
    decoder: Decoder,
    optimizer: torch.optim.Optimizer,
    encoder: Backbone,
    layer: str,
    style_layers: tuple[str, ...],
    batch: TrainBatch,
    style: torch.Tensor,
    options: TrainOptions,
    dtype: torch.dtype = torch.float32,
) -> dict[str, torch.Tensor]:
    """One decoder update; returns the weighted loss parts (content, style, and temporal with pairs).

    The decoder computes in ``dtype`` under autocast (the encoder as configured); losses are fp32.
    """
    decoder.train()
    optimizer.zero_grad(set_to_none=True)
    content = frames_of(batch)
    style = style.repeat(2, 1, 1, 1) if batch.following is not None else style
    wanted = [layer, *style_layers]
    with torch.no_grad():
        style_feats = encoder(style, style_layers + (layer,))
        target = adain(encoder(content, [layer])[layer], feature_stats(style_feats[layer]))
    with autocast(content.device, dtype):
        output = decoder(target)[..., : content.shape[-2], : content.shape[-1]].float()
    feats = encoder(output, wanted)
    parts = {
        "content": options.content_weight * F.mse_loss(feats[layer], target),
        "style": options.style_weight
        * sum(F.mse_loss(feature_stats(feats[l]), feature_stats(style_feats[l])) for l in style_layers) / len(style_layers),
    }
    return finish_update(optimizer, parts, output, batch, options.temporal_weight)


@torch.no_grad()
def _write_preview(network: AdaINNetwork, subject: torch.Tensor, styles: torch.Tensor, target: Path, step: int) -> Path:
    """Subject, then per preview style: the style crop above its rendering, side by side."""
    network.eval()
    h, w = subject.shape[-2:]
    columns = [torch.cat([subject, torch.ones_like(subject)], dim=-2)]
    for style in styles.split(1):
        rendered = network(subject, network.encode_style(style)).clamp(0, 1)
        swatch = F.interpolate(style, size=(h, w), mode="bilinear", align_corners=False)
        columns.append(torch.cat([rendered, swatch], dim=-2))
    path = save_preview(torch.cat(columns, dim=-1), target, step)
    network.decoder.train()
    return path
