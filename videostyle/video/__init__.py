"""Running a job over a video: one frame driver for every engine, its output options and frame priors."""

from .driver import FrameSink, FrameWork, ResumePoint, clock, iter_video
from .options import OutputOptions
from .prior import FramePrior, FrameStart, IndependentFrames, PreviousFrame, WithGenerator
from .source import VideoJob, open_sink, open_video, video_identity
from .work import FrameList, OneFrame

__all__ = [
    "FramePrior",
    "FrameList",
    "FrameSink",
    "FrameStart",
    "FrameWork",
    "IndependentFrames",
    "OneFrame",
    "OutputOptions",
    "PreviousFrame",
    "ResumePoint",
    "VideoJob",
    "WithGenerator",
    "clock",
    "iter_video",
    "open_sink",
    "open_video",
    "video_identity",
]
