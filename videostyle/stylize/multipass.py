"""The bidirectional multi-pass algorithm of Ruder, Dosovitskiy & Brox (2016), with frames kept on disk.

A single forward pass only lets information flow from earlier frames to later ones, so the first
frames never profit from the rest and disoccluded regions start from scratch. Here the first pass is
the ordinary single-pass method; every later pass runs the other way round, and starts each frame
from a blend of its own previous-pass result and the neighbour just finished in this pass, warped
by optical flow where the flow is reliable:

    init = blend * c * warped_neighbour + (1 - blend * c) * own_previous_result

followed by a few steps with the temporal loss towards that neighbour.

Every pass visits the whole video before the next one starts, so frames cannot stream from the
decoder to the encoder: the working-size content frames and the current results wait in a temporary
folder next to the output as uint8 .npy files (fast to read and write, no codec) instead of in RAM,
which a long video would fill. Only two frames and their neighbour are in memory at any time.
Flow is recomputed in each pass: it costs milliseconds, a stored flow field costs megabytes.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from ..errors import output_error
from ..flow import FlowEstimator, carry
from ..media import Frame, frame_to_tensor, tensor_to_frame
from ..progress import FrameProgress, drain, relay
from ..video import FramePrior, FrameSink, FrameStart, FrameWork, VideoInput, iter_video
from ..video.work import MemorySink
from ..media.cleanup import owned_temp_dir
from .stylizer import Stylizer
from .temporal import StyleLevel, StylizeWork, temporal_loss, warp_into
from .temporal_options import TemporalOptions


class FrameStore(MemorySink):
    """Working-size frames by kind ("content", "result") and index, as uint8 .npy files in one folder.

    It is also the first pass's frame sink: results arrive in order with their timestamps, and the
    scene cuts the prior reported are remembered, since later passes must not carry across them.
    """

    def __init__(self, folder: Path, device: torch.device) -> None:
        self.folder = folder
        self.device = device
        self.stamps: list[tuple[int, Fraction]] = []
        self.contents = 0
        self.cuts: set[int] = set()

    def path(self, kind: str, index: int) -> Path:
        return self.folder / f"{kind}-{index:06d}.npy"

    def save(self, kind: str, index: int, image: torch.Tensor) -> None:
        np.save(self.path(kind, index), tensor_to_frame(image))

    def load(self, kind: str, index: int) -> torch.Tensor:
        return frame_to_tensor(np.load(self.path(kind, index)), self.device)

    def keep(self, content: torch.Tensor, start: FrameStart) -> None:
        """The first pass's content frame and whether a scene cut came before it."""
        if start.cut:
            self.cuts.add(self.contents)
        self.save("content", self.contents, content)
        self.contents += 1

    def write(self, frame: Frame) -> None:
        np.save(self.path("result", len(self.stamps)), frame.rgb)
        self.stamps.append((frame.pts, frame.time_base))

    def results(self) -> Iterator[Frame]:
        for index, (pts, time_base) in enumerate(self.stamps):
            yield Frame(np.load(self.path("result", index)), pts, time_base)


class Copy(FrameWork):
    """Frames pass through unchanged: the final write of stored results."""

    def run(self, frames: list[Frame], prior: FramePrior) -> Generator[object, None, list[np.ndarray]]:
        yield from ()
        return [f.rgb for f in frames]


def iter_multipass(
    stylizer: Stylizer,
    prior: FramePrior,
    flow: FlowEstimator,
    job: VideoInput,
    sink: FrameSink,
    temporal: TemporalOptions,
    target: Path,
) -> Generator[FrameProgress, None, None]:
    """Stylize ``job``'s frames in ``temporal.passes`` alternating passes, then write them all to ``sink``.

    The first pass is the single-pass method through ``prior``; later passes carry with ``flow``.
    Progress counts frame visits: ``done`` runs up to frames x passes.
    """
    passes = temporal.passes
    visits = job.total * passes if job.total is not None else None
    with owned_temp_dir(target, "passes") as folder:  # named for this pid: a kill -9 leftover is removed by the next run
        store = FrameStore(folder, stylizer.device)
        try:
            level = StyleLevel(prior)
            first = StylizeWork(stylizer, job.size, temporal, keep=store.keep, level=level)
            count = yield from iter_video(job.frames(), first, store, level, visits)
            visits = count * passes
            for p in range(1, passes):
                order = range(count - 1, -1, -1) if p % 2 else range(count)
                yield from iter_pass(stylizer, flow, store, order, temporal, p * count, visits)
        except OSError as error:  # the frames wait beside the output: a full disk there stops the output
            raise output_error(error, target) from error
        drain(iter_video(store.results(), Copy(), sink))


def iter_pass(
    stylizer: Stylizer,
    flow: FlowEstimator,
    store: FrameStore,
    order: Iterable[int],
    temporal: TemporalOptions,
    done: int,
    visits: int,
) -> Generator[FrameProgress, None, None]:
    """One refinement pass over the stored frames in ``order``; a scene cut breaks the chain of neighbours."""
    options = stylizer.options
    settings = {
        "steps": temporal.pass_steps_of(options.steps),
        "lr": options.learning_rate * temporal.reliable_rate,  # every pixel is already stylized: settle
    }
    neighbour: tuple[int, torch.Tensor, torch.Tensor] | None = None
    for index in order:
        content, own = store.load("content", index), store.load("result", index)
        init, extra = own, None
        if neighbour is not None and max(index, neighbour[0]) not in store.cuts:
            warped = warp_into(carry(flow, content, neighbour[1]), neighbour[2])
            mix = temporal.pass_blend * warped.carry.reliable
            init = mix * warped.image + (1 - mix) * own
            if temporal.temporal_weight > 0:
                weight = temporal.temporal_weight * options.temporal_factor
                extra = temporal_loss([warped], weight, options.preserve_color, temporal.temporal_pool, temporal.temporal_detail)
        steps = stylizer.run(content, init, extra, **settings)
        result = yield from relay(steps, lambda step, done=done: FrameProgress(done, visits, step))
        store.save("result", index, result)
        neighbour = (index, content, result)
        done += 1
        yield FrameProgress(done, visits)
