"""Running a job over a video: one frame driver for every engine, its output options and frame priors."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".driver": ("FrameSink", "FrameWork", "ResumePoint", "clock", "iter_video"),
    ".options": ("OutputOptions",),
    ".prior": ("FramePrior", "FrameStart", "IndependentFrames", "PreviousFrame", "WithGenerator"),
    ".source": ("VideoInput", "open_sink", "open_video", "video_identity"),
    ".work": ("FrameList", "OneFrame"),
})
