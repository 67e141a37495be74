"""Optimization-based style transfer for images and videos."""

from ..video import FramePrior, IndependentFrames, PreviousFrame
from .options import INITS, StyleOptions
from .run import (
    OutputOptions,
    iter_stylize_file,
    iter_stylize_image,
    iter_stylize_video,
    stylize_image,
    stylize_video,
)
from .stylizer import Stylizer
from .temporal import WarpedPrior
from .temporal_options import TemporalOptions

__all__ = [
    "INITS",
    "FramePrior",
    "IndependentFrames",
    "OutputOptions",
    "PreviousFrame",
    "StyleOptions",
    "Stylizer",
    "TemporalOptions",
    "WarpedPrior",
    "iter_stylize_file",
    "iter_stylize_image",
    "iter_stylize_video",
    "stylize_image",
    "stylize_video",
]
