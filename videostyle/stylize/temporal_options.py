"""Settings of temporal coherence for optimized videos, validated once at the boundary."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import OptionError
from ..flow import DEFAULT_PRESET, FlowOptions


@dataclass(frozen=True)
class TemporalOptions:
    """How consecutive video frames are tied together (Ruder et al. 2016, with a few additions).

    ``enabled`` False makes frames independent (``--no-temporal``). Otherwise each frame after the
    first of a shot may start from the warped previous result (``StyleOptions.init == "warped"``) and
    is pulled towards it by a temporal loss of weight ``weight`` (0: warped init alone) on its
    ``pool`` x ``pool`` window means, and of ``detail`` x ``weight`` on every pixel: tying every pixel
    at the full weight lets whatever blur the warps leave compound, and the look drifts; holding
    pixels too loosely lets the texture flicker (issue 12; see bench/bench_drift.py,
    bench/bench_flicker.py and the README for the measurements). Such a warm frame is already close to
    its optimum: it runs ``warm_iterations`` (default half the iterations), and its reliably warped
    pixels move at ``reliable_rate`` times the learning rate (newly visible ones at the full rate).
    While its style loss is more than 5 % above the shot's first frame's it runs ``warm_iterations``
    more, up to ``warm_limit`` in all (default twice the iterations).
    ``long_term`` > 1 also pulls towards frames 2, 4, 8, ... back; ``passes`` > 1 runs Ruder's
    bidirectional multi-pass algorithm, ``pass_iterations`` each, blending by ``blend``.
    """

    enabled: bool = True
    flow: str = "dis"
    flow_preset: str = DEFAULT_PRESET
    flow_weights: Path | None = None
    weight: float = 3.0e5
    long_term: int = 1
    warm_iterations: int | None = None
    warm_limit: int | None = None
    reliable_rate: float = 0.5
    pool: int = 4
    detail: float = 0.25
    passes: int = 1
    pass_iterations: int | None = None
    blend: float = 0.5
    scene_cuts: bool = True

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise OptionError(f"{f.name.replace('_', '-')} must be a finite number, not {value}")
        FlowOptions(self.flow, self.flow_preset, self.flow_weights)  # checks method and preset
        if not 0 <= self.weight <= 1e9:
            raise OptionError(f"--temporal-weight {self.weight} is out of range 0..1e9")
        if not 1 <= self.long_term <= 5:
            raise OptionError(f"--long-term {self.long_term} is out of range 1..5 (frames remembered)")
        for name in ("warm_iterations", "warm_limit", "pass_iterations"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 100_000:
                raise OptionError(f"--{name.replace('_', '-')} {value} is out of range 1..100000")
        if not 0 < self.reliable_rate <= 1:
            raise OptionError(f"--reliable-rate {self.reliable_rate} is out of range (0, 1]")
        if not 1 <= self.pool <= 32:
            raise OptionError(f"--temporal-pool {self.pool} is out of range 1..32")
        if not 0 <= self.detail <= 1:
            raise OptionError(f"--temporal-detail {self.detail} is out of range 0..1")
        if not 1 <= self.passes <= 20:
            raise OptionError(f"--passes {self.passes} is out of range 1..20")
        if not 0 <= self.blend <= 1:
            raise OptionError(f"--pass-blend {self.blend} is out of range 0..1")

    @property
    def flow_options(self) -> FlowOptions:
        return FlowOptions(self.flow, self.flow_preset, self.flow_weights)

    def warm_steps(self, iterations: int) -> int:
        """Iterations of a frame that starts from the warped previous result."""
        return self.warm_iterations or max(1, iterations // 2)

    def warm_budget(self, iterations: int) -> int:
        """The most iterations a warm frame may run while it catches up with the first frame's style loss."""
        return self.warm_limit or 2 * iterations

    def pass_steps(self, iterations: int) -> int:
        """Iterations of each frame in the passes after the first."""
        return self.pass_iterations or max(1, self.warm_steps(iterations) // 2)
