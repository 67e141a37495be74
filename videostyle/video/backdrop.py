"""Two styles through one matte: the foreground style where the mask is white, ``--style-bg`` where black.

Any engine that takes a style image does it in two runs of itself. The background run renders the
whole job in the background style, unmasked, into a private image sequence beside the output
(``.NAME.background``, 16-bit PNG for float results); the foreground run is the usual masked job
with that sequence as its ``backdrop`` (OutputOptions), which the frame driver composites under the
result in place of the input (see video.matte). Each side is therefore exactly its own single-style
render. The background run resumes like any sequence; the folder is removed when the job is done.
A still goes the same way in memory: :func:`with_base` gives its matte frame the background image.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Generator
from dataclasses import replace
from pathlib import Path

import torch

from ..media import tensor_to_float_frame
from .options import BackgroundOptions, OutputOptions
from .still_job import StillInput

Render = Callable[[OutputOptions, str], Generator[object, None, object]]
"""Runs the engine's job in the background style: (its output options, the target to write)."""

__all__ = ["BackgroundOptions", "Render", "backdrop_folder", "iter_backdrop", "iter_over_backdrop", "with_base"]


def backdrop_folder(target: str | os.PathLike) -> Path:
    """The private folder of ``target``'s background render (a pattern's number field left out)."""
    name = re.sub(r"%(0\d+)?d", "N", Path(target).name)
    return Path(target).parent / f".{name}.background"


def iter_backdrop(render: Render, target: str | os.PathLike, output: OutputOptions) -> Generator[object, None, OutputOptions]:
    """Render the background of ``target`` with ``render``; returns ``output`` with it as the backdrop.

    The render is unmasked and never resumes into the user's files: ``overwrite`` applies to its own
    private sequence only (a stopped background run with the same identity still resumes)."""
    pattern = str(backdrop_folder(target) / "bg.%06d.png")
    background = replace(output, mask=None, backdrop=None, overwrite=True, work_dir=None, codec="h264", pix_fmt=None)
    yield from render(background, pattern)
    return replace(output, backdrop=pattern)


def iter_over_backdrop(
    render_background: Render,
    render: Callable[[OutputOptions], Generator[object, None, Path]],
    target: str | os.PathLike,
    output: OutputOptions,
) -> Generator[object, None, Path]:
    """The background run, then the masked job ``render(output)`` over it; the render is removed after."""
    output = yield from iter_backdrop(render_background, target, output)
    result = yield from render(output)
    shutil.rmtree(backdrop_folder(target), ignore_errors=True)
    return result


def with_base(still: StillInput, background: torch.Tensor) -> StillInput:
    """A still job's input with the (1, 3, H, W) ``background`` result as what the matte's black keeps."""
    assert still.frame is not None, "a background needs a mask (BackgroundOptions.check_with)"
    return replace(still, frame=replace(still.frame, base=tensor_to_float_frame(background)))
