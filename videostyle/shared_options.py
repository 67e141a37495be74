"""The specs of options that several engines' option classes carry, written once.

``--flow`` is a field of the optimizing engine's temporal options and of the networks' inference
options; ``--backbone`` of stylization, dreams, training and visualization. Each class declares the
field with ``option(default, spec=THIS)``, so the command line shows one option with one help text
whichever engine reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .names import BACKBONE_NAMES, FLOW_METHODS, FLOW_PRESETS, PRECISIONS
from .spec import Spec, option, split_text

BACKBONE = Spec("Pretrained network; efficientnet-lite0 works offline.", choices=BACKBONE_NAMES)
WEIGHTS = Spec("Local state dict for the backbone.", metavar="FILE")
OFFLINE = Spec("Never download weights.", flag="--offline")
PRECISION = Spec(
    "Network arithmetic: auto = bf16 on a CUDA GPU that has it (and for --model on a CPU with bf16 units, AMX), "
    "else fp32; fp16: --model only; losses stay fp32.",
    choices=PRECISIONS,
)
COMPILE = Spec("torch.compile the network: a slow first step, faster ones after.", flag="--compile")
FLOW = Spec("Optical flow: dis (fast, default), farneback, raft (needs local weights).", choices=FLOW_METHODS)
FLOW_PRESET = Spec("Flow speed/accuracy trade-off.", choices=FLOW_PRESETS)
FLOW_WEIGHTS = Spec("--flow raft: local state dict file.", metavar="FILE")
PRESERVE_COLOR = Spec("Keep the content's colors (luminance-only transfer).")
STYLE_WEIGHTS = Spec("Blend weights of the styles, e.g. 0.7,0.3.", text=split_text(float), lo=0, metavar="W,W")
SEED = Spec("Random seed, for repeatable results.")


@dataclass(frozen=True)
class DeviceOptions:
    """Where the work runs; the command resolves it once (videostyle.device.resolve_device) and passes it down."""

    device: str = option("auto", "auto, cpu, cuda or cuda:N.")
