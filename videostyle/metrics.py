"""Temporal stability of a video: the warping error E_warp of Lai et al. (2018, "Learning blind video
temporal consistency").

For each pair of consecutive frames, frame t+1 is warped back onto frame t with the optical flow of
the *input* video (t -> t+1), pixels that are occluded or on motion boundaries are masked out by the
forward-backward check, and the mean squared difference of RGB values in [0, 1] over the remaining
pixels and channels is averaged over the pairs. The input's own E_warp is the floor a perfectly
stable stylization could reach with that flow: flow errors, lighting changes and compression count too.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field

import torch

from .errors import InputError
from .flow import DEFAULT_PRESET, Carry, FlowEstimator, FlowOptions, carry
from .media import frame_to_tensor, probe_video, read_frames
from .progress import FrameProgress, drain
from .resize import resize


def pair_warping_error(a: torch.Tensor, b: torch.Tensor, pair: Carry) -> float:
    """Masked MSE between ``a`` and ``b`` warped onto it; ``pair`` carries b's frame onto a's grid.

    Masked by the forward-backward check alone (``tracked``), as Lai et al. define E_warp.
    """
    mask = pair.tracked
    squared = (pair.warp(b) - a).pow(2) * mask
    count = float(mask.sum()) * a.shape[1]
    return float(squared.sum()) / count if count > 0 else float(squared.mean())


@dataclass
class WarpingError:
    """Running E_warp of several videos measured with the flow of one input video."""

    names: tuple[str, ...]
    pairs: int = 0
    totals: dict[str, float] = field(default_factory=dict)

    def add(self, pair: Carry, frames: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        for name, (a, b) in frames.items():
            self.totals[name] = self.totals.get(name, 0.0) + pair_warping_error(a, b, pair)
        self.pairs += 1

    def values(self) -> dict[str, float]:
        return {name: self.totals.get(name, 0.0) / max(self.pairs, 1) for name in self.names}


def sequence_warping_error(
    inputs: Iterable[torch.Tensor], outputs: Iterable[torch.Tensor], flow: FlowEstimator
) -> dict[str, float]:
    """E_warp of in-memory frame sequences (1,3,H,W each, same sizes): {"stylized": ..., "input": ...}."""
    return drain(_iter_error(zip(inputs, outputs, strict=True), flow, None)).values()


def _iter_error(
    pairs: Iterator[tuple[torch.Tensor, torch.Tensor]], flow: FlowEstimator, total: int | None
) -> Generator[FrameProgress, None, WarpingError]:
    result = WarpingError(("stylized", "input"))
    previous: tuple[torch.Tensor, torch.Tensor] | None = None
    for done, (source, stylized) in enumerate(pairs):
        if previous is not None:
            result.add(carry(flow, previous[0], source), {"stylized": (previous[1], stylized), "input": (previous[0], source)})
        previous = (source, stylized)
        yield FrameProgress(done + 1, total)
    if result.pairs == 0:
        raise InputError("the warping error needs videos of at least two frames")
    return result


def iter_warping_error(
    input_video: str | os.PathLike,
    stylized_video: str | os.PathLike,
    flow: str = "dis",
    preset: str = DEFAULT_PRESET,
    weights: str | os.PathLike | None = None,
    device: torch.device | str = "cpu",
    start: float | None = None,
    duration: float | None = None,
) -> Generator[FrameProgress, None, dict]:
    """E_warp of a stylized video and of its input, with flow computed on the input at the stylized size.

    ``start`` and ``duration`` select the part of the input that was stylized (as for ``stylize``).
    Yields progress per frame; returns a JSON-ready dict (errors, their ratio, frames, size, flow used).
    """
    device = torch.device(device)
    info_in, info_out = probe_video(input_video), probe_video(stylized_video)
    size = (info_out.height, info_out.width)
    estimator = FlowOptions(flow, preset, weights).estimator(device)

    def frames() -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        sources, results = read_frames(input_video, start, duration), read_frames(stylized_video)
        while True:
            source, stylized = next(sources, None), next(results, None)
            if source is None and stylized is None:
                return
            if source is None or stylized is None:
                raise InputError(
                    f"{input_video} and {stylized_video} have different numbers of frames; "
                    "compare a stylized video with the exact input (and --start/--duration) it was made from"
                )
            yield resize(frame_to_tensor(source.rgb, device), size), frame_to_tensor(stylized.rgb, device)

    result = yield from _iter_error(frames(), estimator, info_in.count_frames(start, duration))
    errors = result.values()
    return {
        "input": str(input_video),
        "stylized": str(stylized_video),
        "warping_error": errors,
        "ratio": errors["stylized"] / errors["input"] if errors["input"] > 0 else None,
        "frames": result.pairs + 1,
        "width": info_out.width,
        "height": info_out.height,
        "flow": flow,
        "flow_preset": preset,
    }


def warping_error(
    input_video: str | os.PathLike,
    stylized_video: str | os.PathLike,
    flow: str = "dis",
    preset: str = DEFAULT_PRESET,
    weights: str | os.PathLike | None = None,
    device: torch.device | str = "cpu",
    start: float | None = None,
    duration: float | None = None,
) -> dict:
    """``iter_warping_error`` run to the end, for callers who need no progress."""
    return drain(iter_warping_error(input_video, stylized_video, flow, preset, weights, device, start, duration))
