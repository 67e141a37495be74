"""Things done to the image between steps (the loop's ``after_step``): blur, Langevin noise, schedules.

- Periodic Gaussian blur (Yosinski et al. 2015): a cheap prior against high frequencies.
- Langevin noise: with plain gradient steps on -log p(x) (the objective plus its priors), adding
  Gaussian noise after each step is the unadjusted Langevin sampler, so repeated runs draw
  different images of one class instead of collapsing onto a single mode.
- A step schedule for a term's weight (cnn-vis raises the TV weight as the image settles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torchvision.transforms.functional import gaussian_blur

from ..device import generator_on
from ..objectives import Scaled
from ..optim import ImageParam, PixelImage

AfterStep = Callable[[ImageParam, int], None]


class PeriodicBlur:
    """Blur the pixels with a Gaussian of ``sigma`` every ``every`` steps."""

    def __init__(self, sigma: float, every: int = 1) -> None:
        self.sigma, self.every = sigma, every
        self.kernel = 2 * max(1, round(3 * sigma)) + 1

    @torch.no_grad()
    def __call__(self, param: ImageParam, index: int) -> None:
        if not isinstance(param, PixelImage):
            raise TypeError("periodic blur acts on pixels; use it with a PixelImage")
        if (index + 1) % self.every == 0:
            param.pixels.copy_(gaussian_blur(param.pixels, [self.kernel, self.kernel], [self.sigma, self.sigma]))


class LangevinNoise:
    """Add N(0, std²) to every parameter after each step (then re-project the image)."""

    def __init__(self, std: float, generator: torch.Generator | None = None) -> None:
        self.std = std
        self.generator = generator

    @torch.no_grad()
    def __call__(self, param: ImageParam, index: int) -> None:
        for p in param.parameters():
            self.generator = generator_on(p.device, self.generator)  # drawn on the device: no copy per step
            p.add_(torch.randn(p.shape, generator=self.generator, dtype=p.dtype, device=p.device), alpha=self.std)
        param.project()


class StepWeight:
    """Add ``step`` to a term's weight every ``every`` steps, from its starting weight."""

    def __init__(self, term: Scaled, step: float, every: int) -> None:
        self.term, self.step, self.every = term, step, every
        self.start = term.weight

    def __call__(self, param: ImageParam, index: int) -> None:
        self.term.weight = self.start + self.step * ((index + 1) // self.every)


def chain(hooks: Sequence[AfterStep | None]) -> AfterStep | None:
    """Run the given hooks in order (None entries skipped); None when there are none."""
    active = [hook for hook in hooks if hook is not None]
    if not active:
        return None

    def run(param: ImageParam, index: int) -> None:
        for hook in active:
            hook(param, index)

    return run
