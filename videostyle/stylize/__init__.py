"""Optimization-based style transfer for images and videos."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "..video": ("FramePrior", "IndependentFrames", "PreviousFrame"),
    ".options": ("INITS", "StyleOptions"),
    ".run": ("OutputOptions", "iter_stylize_file", "iter_stylize_image", "iter_stylize_video", "stylize_image", "stylize_video"),
    ".stylizer": ("Stylizer",),
    ".temporal": ("WarpedPrior",),
    ".temporal_options": ("TemporalOptions",),
})
