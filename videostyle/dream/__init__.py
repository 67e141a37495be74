"""DeepDream: amplify what a network sees in images, endless zoom animations, and flow-carried video."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".animate": ("Motion", "iter_zoom_loop"),
    ".dreamer": ("Dreamer",),
    "..timeline": ("Schedule", "parse_schedule"),
    ".objective": ("dream_objective",),
    ".options": ("DreamOptions", "parse_channel", "parse_layer"),
    ".run": ("dream_file", "iter_dream_animation", "iter_dream_file", "iter_dream_image", "iter_dream_video"),
    ".video": ("FlowCarry",),
})
