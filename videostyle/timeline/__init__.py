"""What changes over a clip: keyframed schedules, per-frame steering of an engine on the frame driver."""

from .options import StyleKeys, TimelineOptions, parse_style_keys
from .schedule import EASES, Mark, Moment, Schedule, parse_keyframes, parse_schedule, parse_time
from .steer import Steered, TimedFrame, numbered

__all__ = [
    "EASES",
    "Mark",
    "Moment",
    "Schedule",
    "Steered",
    "StyleKeys",
    "TimedFrame",
    "TimelineOptions",
    "numbered",
    "parse_keyframes",
    "parse_schedule",
    "parse_style_keys",
    "parse_time",
]
