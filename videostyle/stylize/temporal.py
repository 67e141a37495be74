"""Temporal coherence for optimized video frames (Ruder, Dosovitskiy & Brox 2016).

Each frame starts from the previous stylized frame warped into it by optical flow, with the pixels
that the flow cannot bring over (disocclusions, the frame border, content the flow does not explain)
taken from the content frame, and a temporal loss keeps it close to the warped previous result
wherever the flow is reliable. With long-term consistency several earlier frames pull, each pixel by
the closest frame where it was visible. At a scene cut the memory is dropped, so the last shot is
never smeared into the next.

The flow is always computed between *content* frames, which are sharp and stable, never between
stylized ones, so it can be worked out ahead, on the CPU while the device stylizes earlier frames
(``FlowsAhead``: the work submits each decoded frame's content); the prior then gets each pair in one upload.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace

import torch

from ..flow import Carry, FlowEstimator
from ..flow.ahead import ContentFlows, FlowsAhead
from ..objectives import Objective
from ..objectives.temporal import TemporalLoss
from ..optim import Step
from ..video import FramePrior, FrameStart, OneFrame
from ..video.prior import on_cpu
from ..color import luminance
from .inits import INIT_STARTS
from .stylizer import Stylizer
from .temporal_options import TemporalOptions

WARM_STRUCTURE = 0.0
"""The luminance-structure term's share on warm frames (those started from the warped previous result):
none. They inherit the first frame's structure through the warp, and the term on every frame softened the
later ones: bench/bench_drift.py (128 px, 24 frames, The Shipwreck) sharpness of frame 23 vs 0 0.86x at
1 (0.0761), 0.89x at 0.1, 0.93x at 0 (before the term: 0.90x). bench/bench_subject.py's edges stay above
builtin:arbitrary --stabilize on every clip (white horse 0.814 -> 0.749 against 0.643)."""


def long_term_offsets(count: int) -> tuple[int, ...]:
    """How far back each of ``count`` remembered frames lies: 1, 2, 4, 8, ... (closest first)."""
    return tuple(2**k for k in range(count))


def flows_ahead(temporal: TemporalOptions, device: torch.device) -> FlowsAhead:
    """The pairs a ``WarpedPrior`` with these options asks for, planned as frames are decoded: the previous
    frame (and the long-term ones when there is a temporal loss), with the scene-cut test if asked."""
    back = long_term_offsets(temporal.long_term) if temporal.temporal_weight > 0 else (1,)
    return FlowsAhead(temporal.flow_options.estimator(device), back, temporal.scene_cuts)


@dataclass
class Warped:
    """An earlier result brought into the current frame, and how (where it is reliable, where missing)."""

    image: torch.Tensor
    carry: Carry


def warp_into(pair: Carry, earlier_result: torch.Tensor) -> Warped:
    """Warp ``earlier_result`` into the current frame along ``pair``, the flow between the two content frames.

    Bicubic, not bilinear: a bilinear warp blurs a little at every fractional shift, and through the
    chain of frames (each warm frame starts from and is held to the warped previous result) that blur
    compounds; the fine texture fades and the look drifts, unless the hold on single pixels is so
    loose that the texture flickers instead. Bicubic keeps it, and so allows a firmer hold. On its own
    bicubic lets texture finer than the flow's accuracy swim a little (it measured more flicker than
    bilinear with warm frames on plain pixels); with warm frames on the pyramid and the default hold
    it is both steadier and sharper (issue 12; the README's drift and flicker table).
    """
    return Warped(pair.warp(earlier_result, "bicubic").clamp(0, 1), pair)


Restyle = Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]
"""(content, an earlier result warped into this frame, how many frames back it was made) -> that result
in this frame's look: what style keyframes use to carry the prior across a change of blend."""


def temporal_loss(
    earlier: list[Warped], weight: float, gray: bool = False, pool: int = 1, detail: float = 1.0
) -> Objective:
    """The temporal loss towards warped earlier results, closest first; ``gray`` for luminance-only transfer.

    ``pool`` > 1 ties the low-passed images at ``weight`` and the full-resolution ones only at
    ``detail`` times it (see objectives.temporal): coarse colors and shapes hold, fine texture is
    held loosely enough for the style loss to keep it sharp.
    """
    targets = torch.cat([w.image for w in earlier])
    targets = luminance(targets) if gray else targets
    weights = closest_first([w.carry.reliable for w in earlier])
    if pool == 1:
        return TemporalLoss(targets, weights) * weight
    coarse = TemporalLoss(targets, weights, pool) * weight
    return coarse + TemporalLoss(targets, weights) * (weight * detail) if detail > 0 else coarse


def closest_first(weights: list[torch.Tensor]) -> torch.Tensor:
    """Long-term weights: each frame counts only where no closer frame is reliable, max(c_j - sum_k<j c_k, 0)."""
    out, covered = [], torch.zeros_like(weights[0])
    for c in weights:
        out.append((c - covered).clamp_min(0))
        covered = covered + c
    return torch.cat(out)


class WarpedPrior:
    """A FramePrior: flow-warped init and a temporal loss against the previous result(s).

    ``init`` names an ``INIT_STARTS`` entry: its ``carry`` starts each frame ("warped": the warped previous
    result, holes filled from the content; "previous": the previous result as is); without one ("content",
    "noise") the stylizer starts the frame itself and the prior adds the loss only.
    ``temporal_weight`` 0 gives warped init alone. ``gray`` matches the stylizer's luminance-only mode;
    ``pool`` and ``detail`` shape the temporal loss (see ``temporal_loss``). ``flow``: an estimator
    (pairs worked out when asked for) or ``FlowsAhead`` (planned; see ``flows_ahead``). ``restyle`` (if
    given) brings each warped earlier result into the current frame's look before it starts the frame or
    holds it: under style keyframes the prior then holds the motion, not the previous blend's look.

    Per-pixel step sizes: a pixel that is newly visible (no reliable flow) is "fresh" and moves at the
    full rate; freshness travels with the image along the flow and fades by ``FRESH_DECAY`` a frame,
    so new content gets several frames of full-rate stylization before it settles to ``reliable_rate``
    like the rest. Without it, whatever enters the frame keeps the look of the content.
    """

    FRESH_DECAY = 0.7

    def __init__(
        self,
        flow: FlowEstimator | ContentFlows,
        temporal_weight: float,
        long_term: int = 1,
        init: str = "warped",
        scene_cuts: bool = True,
        gray: bool = False,
        reliable_rate: float = 1.0,
        pool: int = 1,
        detail: float = 1.0,
        restyle: Restyle | None = None,
    ) -> None:
        self.flows = flow if isinstance(flow, ContentFlows) else ContentFlows(flow)
        self.temporal_weight = temporal_weight
        self.offsets = long_term_offsets(long_term)
        self.init = init
        self.scene_cuts = scene_cuts
        self.gray = gray
        self.reliable_rate = reliable_rate
        self.pool = pool
        self.detail = detail
        self.restyle = restyle
        self.history: deque[tuple[torch.Tensor, torch.Tensor]] = deque(maxlen=self.offsets[-1])
        self.fresh: torch.Tensor | None = None  # freshness of the latest result, (1,1,H,W)
        self.pending: torch.Tensor | None = None  # freshness of the frame being stylized
        self.frame = -1
        self.cuts: list[int] = []
        """Indices of the frames where a scene cut reset the prior."""

    def start(self, content: torch.Tensor) -> FrameStart:
        self._place(content.device)
        self.frame += 1
        self.flows.begin()
        self.pending = torch.zeros_like(content[:, :1])
        if not self.history:
            return FrameStart()
        previous_content, previous_result = self.history[0]
        nearest = warp_into(self.flows.carry(content, previous_content), previous_result)
        if self.scene_cuts and nearest.carry.is_cut(previous_content, content):
            self.history.clear()
            self.cuts.append(self.frame)
            return FrameStart(cut=True)
        nearest = self._restyled(content, nearest, 1)
        init = self.initial(content, nearest, previous_result)
        carried = nearest.carry.warp(self.fresh) if self.fresh is not None else self.pending
        self.pending = torch.maximum(1 - nearest.carry.reliable, self.FRESH_DECAY * carried)
        rate = None if init is None else self.reliable_rate + (1 - self.reliable_rate) * self.pending
        if self.temporal_weight == 0:
            return FrameStart(init, None, rate)
        earlier = [nearest] + [
            self._restyled(content, warp_into(self.flows.carry(content, self.history[k - 1][0], k), self.history[k - 1][1]), k)
            for k in self.offsets[1:]
            if k <= len(self.history)
        ]
        return FrameStart(init, temporal_loss(earlier, self.temporal_weight, self.gray, self.pool, self.detail), rate)

    def _restyled(self, content: torch.Tensor, warped: Warped, back: int) -> Warped:
        return warped if self.restyle is None else replace(warped, image=self.restyle(content, warped.image, back))

    def initial(self, content: torch.Tensor, nearest: Warped, previous_result: torch.Tensor) -> torch.Tensor | None:
        carry = INIT_STARTS[self.init].carry
        return None if carry is None else carry(content, nearest.carry.occluded, nearest.image, previous_result)

    def update(self, content: torch.Tensor, stylized: torch.Tensor) -> None:
        self.history.appendleft((content, stylized.detach()))
        self.fresh = self.pending

    def state(self) -> dict[str, torch.Tensor]:
        state = {"frame": torch.tensor([self.frame]), "cuts": torch.tensor(self.cuts, dtype=torch.long)}
        for k, (content, result) in enumerate(self.history):
            state[f"history.{k}.content"], state[f"history.{k}.result"] = on_cpu(content), on_cpu(result)
        if self.fresh is not None:
            state["fresh"] = on_cpu(self.fresh)
        return state

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        self.frame = int(state["frame"])
        self.cuts = [int(c) for c in state["cuts"]]
        count = sum(1 for key in state if key.endswith(".content"))
        self.history.clear()
        self.history.extend((state[f"history.{k}.content"], state[f"history.{k}.result"]) for k in range(count))
        self.fresh = state.get("fresh")

    def _place(self, device: torch.device) -> None:
        """Move restored (CPU) memory to the device of the frames; a no-op once it is there."""
        self.history = deque(((c.to(device), r.to(device)) for c, r in self.history), maxlen=self.history.maxlen)
        if self.fresh is not None:
            self.fresh = self.fresh.to(device)


class StyleLevel:
    """A FramePrior wrapper that remembers the style loss the first frame of the shot reached.

    Warm frames aim at that level (see StylizeWork); it is part of the prior's state so that a
    resumed job aims where the uninterrupted one would have.
    """

    def __init__(self, prior: FramePrior) -> None:
        self.prior = prior
        self.value: float | None = None

    def start(self, content: torch.Tensor) -> FrameStart:
        return self.prior.start(content)

    def update(self, content: torch.Tensor, result: torch.Tensor) -> None:
        self.prior.update(content, result)

    def state(self) -> dict[str, torch.Tensor]:
        state = self.prior.state()
        if self.value is not None:
            state["style_level"] = torch.tensor([self.value], dtype=torch.float64)
        return state

    def restore(self, state: dict[str, torch.Tensor]) -> None:
        rest = dict(state)
        value = rest.pop("style_level", None)
        self.value = None if value is None else float(value)
        self.prior.restore(rest)


class StylizeWork(OneFrame):
    """Video frames through the stylizer, each started where the prior says.

    A warm-started frame gets the warm steps and the prior's per-pixel rates. With a ``level``
    (the StyleLevel around the prior) a warm frame whose style loss is still more than
    ``STYLE_TOLERANCE`` above the shot's first frame's runs the warm steps again from where it
    got to, up to ``TemporalOptions.warm_budget`` in all: a fixed short budget lets each frame fall a little
    short of the style and the shortfall accumulates (issue 12). ``keep`` (if given) sees each
    frame's working-size content and its start, e.g. to store them for more passes. ``ahead`` (the
    prior's ``FlowsAhead``, if it has one) gets each decoded frame's content on the decode thread.
    """

    STYLE_TOLERANCE = 0.05

    def __init__(
        self,
        stylizer: Stylizer,
        size: tuple[int, int],
        temporal: TemporalOptions,
        keep: Callable[[torch.Tensor, FrameStart], None] | None = None,
        level: StyleLevel | None = None,
        ahead: FlowsAhead | None = None,
    ) -> None:
        super().__init__(stylizer.device, size, ahead)
        self.stylizer = stylizer
        self.temporal = temporal
        self.keep = keep
        self.level = level

    def frame(self, content: torch.Tensor, prior: FramePrior) -> Generator[object, None, torch.Tensor]:
        start = prior.start(content)
        if self.keep is not None:
            self.keep(content, start)
        if not (self.temporal.temporal and start.init is not None):
            stylized, style = yield from self.optimize(content, start.init, start)
            if self.level is not None:
                self.level.value = style
        else:
            steps = self.stylizer.options.steps
            chunk, budget = self.temporal.warm_steps_of(steps), self.temporal.warm_budget(steps)
            stylized, style = yield from self.optimize(content, start.init, start, chunk)
            spent = chunk
            while self.short_of_style(style) and spent + chunk <= budget:
                stylized, style = yield from self.optimize(content, stylized, start, chunk)
                spent += chunk
        prior.update(content, stylized)
        return stylized

    def short_of_style(self, style: float) -> bool:
        reference = None if self.level is None else self.level.value
        return reference is not None and style > (1 + self.style_tolerance) * reference

    @property
    def style_tolerance(self) -> float:
        """``STYLE_TOLERANCE``, wider under a faint style (``StyleOptions.dial`` < 1): x dial ** -0.75.

        The content and structure terms keep their weights while the dial scales the style's, so a
        faint style's warm frame ends its first chunk further above the first frame's level (the white
        horse of bench/bench_subject.py at strength 0.5 and 0.75: 10-27 % above, 5 % at 1) and ran a
        catch-up chunk nearly every frame: lower strength was slower (issue 25).
        """
        return self.STYLE_TOLERANCE * min(1.0, self.stylizer.options.dial) ** -0.75

    @property
    def warm_structure(self) -> float:
        """The structure term's share on warm frames: ``WARM_STRUCTURE`` at strength 1 and above, rising to
        all of it under a faint style (1 - ``StyleOptions.dial``).

        Under a faint style the term is what holds a warm frame's subject against the content's own
        texture: with none, the white horse of bench/bench_subject.py kept less of itself at strength 0.25
        than at 0.5 (edges 0.848 against 0.871; with the term, 0.902 and 0.892)."""
        return max(WARM_STRUCTURE, 1 - min(1.0, self.stylizer.options.dial))

    def optimize(
        self, content: torch.Tensor, init: torch.Tensor | None, start: FrameStart, steps: int | None = None
    ) -> Generator[object, None, tuple[torch.Tensor, float]]:
        """The stylizer's run from ``init``; returns the image and the style loss at its last step."""
        structure = 1.0 if start.init is None else self.warm_structure
        run = self.stylizer.run(content, init, start.extra, steps=steps, rate=start.rate, structure=structure)
        last: Step | None = None
        while True:
            try:
                last = next(run)
            except StopIteration as done:
                return done.value, 0.0 if last is None else last.parts.get("style", 0.0)
            yield last
