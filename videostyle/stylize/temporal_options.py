"""Settings of temporal coherence for optimized videos, validated once at the boundary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import shared_options as shared
from ..names import DEFAULT_FLOW_PRESET
from ..spec import check, option

if TYPE_CHECKING:
    from ..flow import FlowOptions


@dataclass(frozen=True)
class TemporalOptions:
    """How consecutive video frames are tied together (Ruder et al. 2016, with a few additions).

    ``temporal`` False makes frames independent (``--no-temporal``). Otherwise each frame after the
    first of a shot may start from the warped previous result (``StyleOptions.init == "warped"``) and
    is pulled towards it by a temporal loss of weight ``temporal_weight`` (0: warped init alone) on its
    ``temporal_pool`` x ``temporal_pool`` window means, and of ``temporal_detail`` x ``temporal_weight`` on every pixel: tying every pixel
    at the full weight lets whatever blur the warps leave compound, and the look drifts; holding
    pixels too loosely lets the texture flicker (issue 12; see bench/bench_drift.py,
    bench/bench_flicker.py and the README for the measurements). Such a warm frame is already close to
    its optimum: it runs ``warm_steps`` (default half the steps), and its reliably warped
    pixels move at ``reliable_rate`` times the learning rate (newly visible ones at the full rate).
    While its style loss is more than 5 % above the shot's first frame's it runs ``warm_steps``
    more, up to ``warm_limit`` in all (default twice the steps).
    ``long_term`` > 1 also pulls towards frames 2, 4, 8, ... back; ``passes`` > 1 runs Ruder's
    bidirectional multi-pass algorithm, ``pass_steps`` each, blending by ``pass_blend``.
    """

    temporal: bool = option(True, "Video: carry each result to the next frame (warped start, temporal loss); "
                            "--no-temporal: independent frames.")
    flow: str = option("dis", spec=shared.FLOW)
    flow_preset: str = option(DEFAULT_FLOW_PRESET, spec=shared.FLOW_PRESET)
    flow_weights: Path | None = option(None, spec=shared.FLOW_WEIGHTS)
    temporal_weight: float = option(
        3.0e5, "Video: pull towards the warped previous result (0: warped init only).", lo=0, hi=1e9
    )
    long_term: int = option(1, "Video: earlier frames the temporal loss remembers (1, 2, 4, ... back).", lo=1, hi=5, media="video-in")
    warm_steps: int | None = option(None, "Video: steps of a flow-warped frame (default steps/2).", lo=1, hi=100_000, media="video-in")
    warm_limit: int | None = option(
        None, "Video: most steps of a flow-warped frame catching up with the first frame's style (default 2x steps).",
        lo=1, hi=100_000, media="video-in",
    )
    reliable_rate: float = option(
        0.5, "Video: step size of reliably warped pixels, vs new ones.", lo=0, hi=1, lo_open=True, media="video-in"
    )
    temporal_pool: int = option(4, "Video: hold colors and shapes at this window size (1: every pixel).", lo=1, hi=32, media="video-in")
    temporal_detail: float = option(0.25, "Video: share of the temporal weight that also holds each pixel.", lo=0, hi=1, media="video-in")
    passes: int = option(1, "Video: bidirectional passes (Ruder's multi-pass; frames wait on disk).", lo=1, hi=20, media="video-in")
    pass_steps: int | None = option(None, "Video: steps per frame in passes after the first.", lo=1, hi=100_000, media="video-in")
    pass_blend: float = option(0.5, "Video, --passes: weight of the warped neighbour in each frame's start.", lo=0, hi=1, media="video-in")
    scene_cuts: bool = option(True, "Video: restart the temporal prior at detected scene cuts.")

    def __post_init__(self) -> None:
        check(self)

    @property
    def flow_options(self) -> FlowOptions:
        from ..flow import FlowOptions

        return FlowOptions(self.flow, self.flow_preset, self.flow_weights)

    def warm_steps_of(self, steps: int) -> int:
        """Steps of a frame that starts from the warped previous result."""
        return self.warm_steps or max(1, steps // 2)

    def warm_budget(self, steps: int) -> int:
        """The most steps a warm frame may run while it catches up with the first frame's style loss."""
        return self.warm_limit or 2 * steps

    def pass_steps_of(self, steps: int) -> int:
        """Steps of each frame in the passes after the first."""
        return self.pass_steps or max(1, self.warm_steps_of(steps) // 2)
