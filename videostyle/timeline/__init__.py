"""What changes over a clip: keyframed schedules, per-frame steering of an engine on the frame driver."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".options": ("StyleKeys", "TimelineOptions", "parse_style_keys"),
    ".schedule": ("EASES", "Mark", "Moment", "Schedule", "parse_keyframes", "parse_schedule", "parse_time"),
    ".steer": ("Steered", "TimedFrame", "numbered"),
})
