"""Which pixels matter for a decision: gradient saliency, guided backprop and deconvnet.

All three are "the gradient of a target with respect to the image", differing only in how the
backward pass crosses each rectifier (ReLU or ReLU6):

- ``gradient`` (Simonyan et al. 2014): the true gradient; the rectifier passes it where its input was
  in the active range.
- ``deconvnet`` (Zeiler & Fergus 2014): the rectifier is applied to the *gradient* instead, ignoring
  the forward pass; max-pooling still routes through the forward pass's switches (which is what
  autograd's max-pool backward does already).
- ``guided`` (Springenberg et al. 2015): both masks at once, only positive gradient through active units.

The rectifiers are overridden by forward hooks that a context manager installs and always removes.
Networks without max-pooling (EfficientNet) and with it (VGG) need nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Literal, get_args

import torch
import torch.nn.functional as F
from torch import nn

from ..backbones import Backbone
from ..errors import OptionError
from ..objectives import ClassLogit, Objective
from .grid import contact_sheet

Method = Literal["gradient", "guided", "deconvnet"]
METHODS: tuple[str, ...] = get_args(Method)


class _Rectify(torch.autograd.Function):
    """clamp(x, 0, upper) forward, with a guided or deconvnet backward."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, x: torch.Tensor, upper: float | None, method: str) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.upper, ctx.method = upper, method  # type: ignore[attr-defined]
        return x.clamp(0, upper)

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        (x,) = ctx.saved_tensors  # type: ignore[attr-defined]
        out = grad.clamp_min(0)
        if ctx.method == "guided":  # type: ignore[attr-defined]
            active = x > 0
            if ctx.upper is not None:  # type: ignore[attr-defined]
                active &= x < ctx.upper  # type: ignore[attr-defined]
            out = out * active
        return out, None, None


def _rectifier_upper(module: nn.Module) -> float | None | bool:
    """The clip of a rectifier module (None for ReLU, 6 for ReLU6), or False if it is none."""
    if isinstance(module, nn.ReLU6):
        return 6.0
    if isinstance(module, nn.ReLU):
        return None
    return False


@contextlib.contextmanager
def rectifier_override(net: nn.Module, method: str) -> Iterator[int]:
    """Give every ReLU/ReLU6 of ``net`` the backward rule of ``method`` while inside; yields their count.

    ``gradient`` installs nothing. The hooks are removed on exit, also when the body raises.
    """
    if method not in METHODS:
        raise OptionError(f"unknown saliency method {method!r}; choose one of {', '.join(METHODS)}")
    handles = []
    try:
        if method != "gradient":
            for module in net.modules():
                upper = _rectifier_upper(module)
                if upper is False:
                    continue

                def hook(mod: nn.Module, inputs: tuple[torch.Tensor, ...], output: torch.Tensor, upper=upper) -> torch.Tensor:
                    return _Rectify.apply(inputs[0], upper, method)

                handles.append(module.register_forward_hook(hook))
        yield len(handles)
    finally:
        for handle in handles:
            handle.remove()


def attribute(
    backbone: Backbone, image: torch.Tensor, target: int | Objective, method: str = "gradient"
) -> torch.Tensor:
    """d target / d image under ``method``'s rectifier rule, (1, 3, H, W).

    ``target`` is a class index (its logit) or any activation objective (a neuron, a channel).
    """
    objective = ClassLogit(target) if isinstance(target, int) else target
    x = image.detach().clone().requires_grad_(True)
    with rectifier_override(backbone, method):
        feats = backbone(x, objective.layers)
        objective(x, feats).backward()
    return x.grad.detach()  # type: ignore[union-attr]


@torch.no_grad()
def top_class(backbone: Backbone, image: torch.Tensor) -> int:
    """The class the network predicts for ``image``."""
    return int(backbone(image, ["logits"])["logits"][0].argmax())


def robust_max(values: torch.Tensor, percentile: float = 99.5) -> torch.Tensor:
    """A high percentile of |values| (on at most ~1M samples), so a few extreme pixels do not set the scale."""
    flat = values.abs().flatten().float()
    flat = flat[:: max(1, flat.numel() // 1_000_000)]
    return torch.quantile(flat, percentile / 100).clamp_min(1e-12)


def box_smooth(grad: torch.Tensor, size: int = 2) -> torch.Tensor:
    """Mean over size x size windows (same shape out): removes the period-2 checkerboard that every
    stride-2 layer stamps on a backward pass, for display; size 1 leaves the gradient as it is."""
    if size <= 1:
        return grad
    return F.avg_pool2d(F.pad(grad, (0, size - 1, 0, size - 1), mode="replicate"), size, stride=1)


def saliency_map(grad: torch.Tensor, percentile: float = 99.5, smooth: int = 2) -> torch.Tensor:
    """(1, 1, H, W) in [0,1]: max |gradient| over colors (Simonyan), scaled so the top pixels saturate."""
    magnitude = box_smooth(grad.abs().amax(dim=1, keepdim=True), smooth)
    return (magnitude / robust_max(magnitude, percentile)).clamp(0, 1)


def gradient_image(grad: torch.Tensor, percentile: float = 99.5, smooth: int = 2) -> torch.Tensor:
    """(1, 3, H, W) in [0,1]: the signed gradient as colors on grey, as guided backprop and deconvnet
    figures show it; each color's mean is removed so a constant tint does not hide the structure."""
    grad = box_smooth(grad, smooth)
    centered = grad - grad.mean(dim=(2, 3), keepdim=True)
    return (0.5 + 0.5 * centered / robust_max(centered, percentile)).clamp(0, 1)


# A perceptual dark-to-bright heat ramp (black, purple, red, orange, pale yellow).
_RAMP = torch.tensor(
    [[0.0, 0.0, 0.02], [0.34, 0.06, 0.43], [0.73, 0.21, 0.33], [0.98, 0.55, 0.04], [0.99, 1.0, 0.64]]
)


def heatmap(values: torch.Tensor) -> torch.Tensor:
    """(1, 1, H, W) in [0,1] -> (1, 3, H, W) colors along the heat ramp."""
    ramp = _RAMP.to(values)
    position = values.clamp(0, 1) * (len(ramp) - 1)
    low = position.floor().long().clamp(max=len(ramp) - 2)
    frac = position - low
    lo, hi = ramp[low[:, 0]], ramp[low[:, 0] + 1]  # (1, H, W, 3)
    colors = lo + (hi - lo) * frac[:, 0, ..., None]
    return colors.permute(0, 3, 1, 2)


def overlay(image: torch.Tensor, values: torch.Tensor, strength: float = 0.7) -> torch.Tensor:
    """The photo darkened where the map is low and tinted by the heat ramp where it is high."""
    weight = values.clamp(0, 1) * strength
    return (image * (1 - weight) * (0.4 + 0.6 * values) + heatmap(values) * weight).clamp(0, 1)


def explain(
    backbone: Backbone, image: torch.Tensor, target: int | None = None, methods: Sequence[str] = METHODS
) -> tuple[int, dict[str, tuple[torch.Tensor, torch.Tensor]]]:
    """For each method, (map picture, overlay) of the target class (default: the predicted one)."""
    cls = top_class(backbone, image) if target is None else target
    out: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for method in methods:
        grad = attribute(backbone, image, cls, method)
        values = saliency_map(grad)
        picture = heatmap(values) if method == "gradient" else gradient_image(grad)
        out[method] = (picture, overlay(image, values))
    return cls, out


def saliency_figure(
    backbone: Backbone, image: torch.Tensor, target: int | None = None, methods: Sequence[str] = METHODS
) -> torch.Tensor:
    """The photo then each method's map on top, the photo then the overlays below, labeled with the class."""
    cls, found = explain(backbone, image, target, methods)
    name = backbone.class_names[cls] if backbone.class_names else str(cls)
    maps = [image] + [picture for picture, _ in found.values()]
    overlays = [image] + [over for _, over in found.values()]
    labels = [f"class: {name}", *found, "", *(f"{method} overlay" for method in found)]
    return contact_sheet(maps + overlays, labels, columns=len(maps))
