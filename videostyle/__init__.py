"""videostyle: neural style transfer, DeepDream and CNN visualization for videos and photos.

Conventions at every boundary: images are float RGB in [0,1], NCHW; video frames are uint8 RGB
(H, W, 3) with their timestamps; optical flow is in pixels. The device is resolved once by the
caller (``resolve_device``) and passed down.
"""

import os

# Before torch loads OpenMP: its worker threads then sleep instead of spinning at every operator's
# barrier. With spinning, a worker that the encoder, the decoder or another program pre-empts holds
# all the others for a scheduler quantum per operator: on a shared 2-core CPU the built-in networks
# ran 2-5x slower in the video pipeline than on one thread (bench/bench_peer.py). A user's own
# OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .errors import InputError, OptionError, OutputError, VideostyleError, WeightsError  # noqa: E402
from .lazy import lazy_exports  # noqa: E402

# The engines load on first use: ``import videostyle`` (and ``videostyle --help``) does not load torch.
__getattr__, __dir__, _ENGINE_NAMES = lazy_exports(__name__, {
    ".backbones": ("BACKBONES", "load_backbone"),
    ".device": ("resolve_device",),
    ".media": ("read_image", "write_image"),
    ".stylize": (
        "OutputOptions", "StyleOptions", "Stylizer", "iter_stylize_file", "iter_stylize_image", "iter_stylize_video",
        "stylize_image", "stylize_video",
    ),
})
__all__ = sorted([*_ENGINE_NAMES, "InputError", "OptionError", "OutputError", "VideostyleError", "WeightsError"])
