"""Optimization-based style transfer of one image (Gatys et al. 2016), reused frame after frame for video.

A Stylizer holds what stays fixed across frames: the backbone (cut after the deepest layer needed)
and the style's Gram targets per working size. ``run`` optimizes one image and returns it, yielding
the optimization loop's steps on the way, and accepts a starting image and extra objective terms so
that video code can add temporal priors without touching this module.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import replace
from functools import partial

import torch

from ..backbones import Backbone, load_backbone
from ..errors import OptionError
from ..objectives import ContentLoss, Objective, Sum, TotalVariation
from ..objectives.chroma_tv import ChromaTV
from ..objectives.structure import LumaStructure
from ..optim import ResultCarry, Step, coarse_to_fine, decay, make_optimizer, optimize
from ..optim.params import ImageParam
from ..precision import compute_dtype
from ..resize import resize, resize_long_side
from ..color import PALETTES, join_chroma, luminance, match_luminance, match_mixed
from .inits import INIT_STARTS
from .options import StyleOptions
from .parameterizations import PARAMETERIZATION_FACTORIES
from .style_targets import blended_objective, check_untiled, style_statistics
from .tiled import TiledStyleTransfer


MIN_SCALE_SIDE = 128  # below this the network barely sees the content and the coarse result is style soup
REFINE_RATE = 0.5
"""Adam's step size at each scale after the first, relative to the previous scale's. Adam moves every pixel
by about the learning rate whatever its gradient, and a finer scale starts from the upsampled result, close
to its optimum, where most gradients are small: at the full rate it adds colored grain. Measured at 2048 px
from a 1024 px result (15 steps, The Shipwreck): learning rate 0.02 -> high-frequency energy 3.3x the start's
and style loss 359; 0.005 -> 1.3x and 152."""

STRUCTURE_SCALE = 96
"""The luminance-structure term blurs by one pixel per this many pixels of the long side (at least one):
the shapes it holds are the same fraction of the picture at every size, and finer texture is the style's.
At 192 (one pixel at 192 px) it held the strokes too: bench/bench_subject.py's texture distance 0.0187 on
the sample clip and 0.0223 on the coffee still against 0.0168 and 0.0199 without the term; at 96, 0.0172
and 0.0214 (edges 0.95 -> 0.92, 0.94 -> 0.90; builtin:arbitrary 0.85, 0.84). At 64 the cat's texture was
no better and its edges fell to 0.69."""
STRUCTURE_WINDOW = 3
"""Its correlation windows, in blur widths."""


def scale_pyramid(size: tuple[int, int], scales: int) -> list[tuple[int, int]]:
    """Sizes from coarse to fine, halving each time, skipping scales whose long side is under 128 px."""
    h, w = size
    pyramid = [(round(h / 2**k), round(w / 2**k)) for k in reversed(range(scales))]
    return [s for s in pyramid if max(s) >= MIN_SCALE_SIDE or s == (h, w)]


class Stylizer:
    """Stylize images of any size with fixed style images and options, on one device."""

    def __init__(
        self,
        styles: Sequence[torch.Tensor],
        options: StyleOptions,
        device: torch.device,
        backbone: Backbone | None = None,
    ) -> None:
        if not styles:
            raise OptionError("at least one style image is needed")
        blend = options.style_weights or (1.0,) * len(styles)
        if len(blend) != len(styles):
            raise OptionError(f"--style-weights has {len(blend)} values for {len(styles)} style images")
        self.options = options
        self.device = device
        self.blend = tuple(blend)
        self.content_layers, self.style_layers = options.layers()
        full = backbone or load_backbone(options.backbone, device, options.weights, not options.offline)
        self.backbone = full.truncated(self.content_layers + self.style_layers, feature_maps=True).configure(
            compute_dtype(options.precision, device, gradients=True), options.compile
        )
        self.styles = [s.to(device) for s in styles]
        self._statistics: dict[tuple[int, int], list[dict[str, torch.Tensor]]] = {}
        self._style_losses: dict[tuple[int, int], tuple[tuple[float, ...], Objective]] = {}
        self.generator = torch.Generator(device="cpu")
        if options.seed is not None:
            self.generator.manual_seed(options.seed)

    @torch.no_grad()
    def style_loss(self, content: torch.Tensor) -> Objective:
        """Style targets for a working size: each style's statistics computed once per size (every frame of a
        video shares them), blended by the current ``blend`` (which style keyframes change frame by frame)."""
        key = tuple(content.shape[-2:])
        opts = self.options
        if key not in self._statistics:
            long_side = round(max(key) * opts.style_scale)
            styles = [resize_long_side(style, long_side) for style in self.styles]
            if opts.preserve_color:
                styles = [match_luminance(style, content) for style in styles]
            self._statistics[key] = style_statistics(opts.style_loss, self.backbone, styles, self.style_layers, opts.tile)
        blend, loss = self._style_losses.get(key, (None, None))
        if blend != self.blend or loss is None:
            loss = blended_objective(opts.style_loss, self._statistics[key], self.blend, opts.seed or 0).to(self.device)
            self._style_losses[key] = (self.blend, loss)
        return loss

    def steer(self, blend: Sequence[float], strength: float | None) -> None:
        """Set the style blend and strength of the next frames (a video's keyframes; see timeline)."""
        if len(blend) != len(self.styles):
            raise OptionError(f"{len(blend)} style weights for {len(self.styles)} style images")
        self.blend = tuple(blend)
        if strength != self.options.style_strength:
            self.options = replace(self.options, style_strength=strength)

    @torch.no_grad()
    def objective(self, content: torch.Tensor, structure: float = 1.0) -> Objective:
        """content + style + TV (+ chroma TV against colored speckle), each with its weight, for this content image;
        ``structure`` scales the luminance-structure term's weight (a warm video frame's: see temporal).

        An image larger than ``tile`` gets its content and style terms from tiles, with the style
        statistics pooled over the whole image (``TiledStyleTransfer``).
        """
        opts = self.options
        style_weight, tv_weight, chroma_weight = opts.loss_weights
        style = self.style_loss(content)
        if max(content.shape[-2:]) > opts.tile:
            check_untiled(opts.style_loss, max(content.shape[-2:]), opts.tile)
            weights = (opts.content_weight, style_weight)
            terms = TiledStyleTransfer(content, self.content_layers, style, weights, self.backbone, opts.tile, self.generator)
        else:
            feats = self.backbone(content, self.content_layers)
            n = len(self.content_layers)
            content_loss = Sum([ContentLoss(layer, feats[layer]) * (1 / n) for layer in self.content_layers])
            terms = content_loss * opts.content_weight + style * style_weight
        terms = terms + TotalVariation() * tv_weight
        if opts.structure_weight and structure:
            blur = max(1.0, max(content.shape[-2:]) / STRUCTURE_SCALE)
            terms = terms + LumaStructure(content, blur, STRUCTURE_WINDOW * blur) * (opts.structure_weight * structure)
        return terms + ChromaTV() * chroma_weight if chroma_weight and not opts.preserve_color else terms

    def initial(self, content: torch.Tensor) -> torch.Tensor:
        """Noise, or the content (recolored to the styles' palette with ``color_init``, unless colors are kept).

        The recoloring is the options' ``palette`` transfer (see ``color.PALETTES``)."""
        if INIT_STARTS[self.options.init].noise:
            return torch.rand(content.shape, generator=self.generator).to(content)
        recolored = self.palette(content, self.blend)
        return content if recolored is None else recolored

    def palette(self, content: torch.Tensor, blend: Sequence[float]) -> torch.Tensor | None:
        """The content recolored towards the palette of ``blend`` as ``initial`` starts it (None where the
        options keep the content's colors): a cheap picture of a blend's look, which style keyframes use
        to carry a warm start from one blend to the next (see steering.StyleTransition)."""
        if not self.options.color_init or self.options.preserve_color:
            return None
        opts = self.options
        match = partial(match_mixed, tone_share=opts.tone_share) if opts.palette == "mixed" else PALETTES[opts.palette]
        return torch.lerp(content, match(content, self.styles, blend), opts.palette_share)

    def parameterize(self, start: torch.Tensor, rate: torch.Tensor | None) -> ImageParam:
        """Pyramid offsets (no speckle) or plain pixels; ``rate`` (warm video frames) scales each pixel's steps.

        Warm frames use the pyramid too: on plain pixels Adam moves each pixel about the learning
        rate on its own every frame, which both speckles and flickers (issue 12).
        """
        return PARAMETERIZATION_FACTORIES[self.options.parameterization](start, rate)

    def run(
        self,
        content: torch.Tensor,
        init: torch.Tensor | None = None,
        extra: Objective | None = None,
        steps: int | None = None,
        lr: float | None = None,
        rate: torch.Tensor | None = None,
        structure: float = 1.0,
    ) -> Generator[Step, None, torch.Tensor]:
        """Stylize ``content`` (1,3,H,W in [0,1] on the device); yields loop steps, returns the image.

        With ``scales`` > 1 the image is optimized coarse to fine, each scale starting from the
        upsampled result of the previous one, with Adam at ``REFINE_RATE`` times its step size.
        ``extra`` terms (temporal losses) apply at full size only.
        ``steps`` and ``lr`` override the options' for this image; ``rate`` (1,1,H,W) in (0,1] scales
        each pixel's steps (a warm-started video frame moves its reliably warped pixels slowly);
        ``structure`` scales the structure term's weight for this image.
        """
        opts = self.options
        steps = steps or opts.steps
        lr = lr or opts.learning_rate
        original = content
        if opts.preserve_color:
            content = luminance(content)
            init = luminance(init) if init is not None else None
        image = init if init is not None else self.initial(content)
        sizes = scale_pyramid(tuple(content.shape[-2:]), opts.scales)

        def at_scale(previous: torch.Tensor | None, k: int, size: tuple[int, int]) -> Generator[Step, None, torch.Tensor]:
            assert previous is not None
            objective = self.objective(resize(content, size), structure)
            if extra is not None and size == sizes[-1]:
                objective = objective + extra
            start = resize(previous, size)
            param = self.parameterize(start, None if rate is None else resize(rate, size))
            scale_lr = lr * REFINE_RATE**k if opts.optimizer == "adam" else lr
            optimizer = make_optimizer(opts.optimizer, param.parameters(), scale_lr)
            yield from optimize(param, objective, self.backbone, steps, optimizer, scheduler=decay(optimizer, steps))
            return param().detach()

        image = yield from coarse_to_fine(sizes, steps, ResultCarry(image), at_scale)
        return join_chroma(image, original) if opts.preserve_color else image
