"""DeepDream: amplify what a network sees in images, endless zoom animations, and flow-carried video."""

from .animate import Motion, iter_zoom_loop
from .dreamer import Dreamer
from ..timeline import Schedule, parse_schedule
from .objective import dream_objective
from .options import DreamOptions, parse_channel, parse_layer
from .run import dream_file, iter_dream_animation, iter_dream_file, iter_dream_image, iter_dream_video
from .video import FlowCarry

__all__ = [
    "DreamOptions",
    "Dreamer",
    "FlowCarry",
    "Motion",
    "Schedule",
    "dream_file",
    "dream_objective",
    "iter_dream_animation",
    "iter_dream_file",
    "iter_dream_image",
    "iter_dream_video",
    "iter_zoom_loop",
    "parse_channel",
    "parse_layer",
    "parse_schedule",
]
