"""DeepDream of one image (Mordvintsev et al. 2015), reused frame after frame by animations and videos.

A Dreamer holds what stays fixed across frames: the backbone cut after the deepest layer needed,
the objective, and the random generator of jitter and tile offsets. ``run`` dreams one image through
the octave pyramid; each octave is a run of the one optimization loop with the normalized gradient
step, jitter as the loop's transform, and clipping to [0,1] by the pixel parameterization.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace

import torch

from ..backbones import Backbone, backbone_spec, load_backbone, resolve_class
from ..optim import DetailCarry, PixelImage, RandomRoll, Step, TiledObjective, coarse_to_fine, make_optimizer, optimize
from ..precision import compute_dtype
from ..resize import resize_long_side
from .objective import dream_objective
from .octaves import octave_sizes
from .options import DreamOptions

GUIDE_SIDE = 224
"""Long side the guide image is seen at: its motifs come out at the scale the network was trained on,
and the guide's feature count (which the guided objective compares against every position) stays small."""


class Dreamer:
    """Dream images of any size with fixed targets and settings, on one device."""

    def __init__(
        self,
        options: DreamOptions,
        device: torch.device | str,
        guide: torch.Tensor | None = None,
        backbone: Backbone | None = None,
    ) -> None:
        self.options = options
        self.device = torch.device(device)
        full = backbone or load_backbone(options.backbone, self.device, options.weights, not options.offline)
        layers, channels, class_name = options.targets()
        if guide is not None and not layers:
            layers = tuple((layer, 1.0) for layer in backbone_spec(options.backbone).dream_layers)
        class_index = resolve_class(class_name, full.class_names) if class_name is not None else None
        guide = resize_long_side(guide.to(self.device), GUIDE_SIDE) if guide is not None else None
        objective = dream_objective(full, layers, channels, class_index, guide).to(self.device)
        self.backbone = full.truncated(objective.layers).configure(
            compute_dtype(options.precision, self.device, gradients=True), options.compile
        )
        self.generator = torch.Generator(device="cpu")
        if options.seed is not None:
            self.generator.manual_seed(options.seed)
        else:
            self.generator.seed()
        self.objective = TiledObjective(objective, self.backbone, options.tile, self.generator)
        self.jitter = RandomRoll(options.jitter, self.generator)

    def steer(self, step_size: float) -> None:
        """Set the step size of the next frames (an audio reaction; see timeline.react)."""
        if step_size != self.options.step_size:
            self.options = replace(self.options, step_size=step_size)

    def run(self, image: torch.Tensor, steps: int | None = None) -> Generator[Step, None, torch.Tensor]:
        """Dream ``image`` (1,3,H,W in [0,1] on the device) with ``steps`` per octave; yields loop steps."""
        opts = self.options
        steps = steps or opts.steps
        sizes = octave_sizes(*image.shape[-2:], opts.octaves, opts.octave_scale)

        def dream(start: torch.Tensor | None, octave: int, size: tuple[int, int]) -> Generator[Step, None, torch.Tensor]:
            assert start is not None
            param = PixelImage(start)
            optimizer = make_optimizer("normalized", param.parameters(), opts.step_size)
            yield from optimize(param, self.objective, self.backbone, steps, optimizer, transform=self.jitter)
            return param().detach()

        return (yield from coarse_to_fine(sizes, steps, DetailCarry(image, sizes[0]), dream))
