"""A frozen pretrained CNN seen as a sequence of named stages.

Callers ask for layers by name and get only those; the forward pass stops after the deepest one,
so a style loss on early layers never pays for the classifier head. ``configure`` makes the stages
run in half precision (features come back fp32, so every statistic and loss stays fp32) and compiled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .. import compiling
from ..errors import OptionError
from ..precision import autocast


class Normalize(nn.Module):
    """Map RGB in [0,1] to the network's own input convention: (x - mean) / std per channel."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def _padded(image: torch.Tensor, pad_h: int, pad_w: int) -> torch.Tensor:
    """``image`` padded at the bottom and right, mirrored so the padding looks like more of the picture (too
    small to mirror: repeated). The padding is context, not more pixels: no gradient flows back through it,
    as none did through the zeros the network was trained with. Through a mirror, the rows next to the
    edge took their own gradient and their reflection's (about 1.35x the inside's), a band along the
    bottom of optimized pictures and of deconvnet and saliency maps."""
    mode = "reflect" if pad_h < image.shape[-2] and pad_w < image.shape[-1] else "replicate"
    if not (image.requires_grad and torch.is_grad_enabled()):
        return F.pad(image, (0, pad_w, 0, pad_h), mode=mode)
    padded = F.pad(image.detach(), (0, pad_w, 0, pad_h), mode=mode)
    padded[..., : image.shape[-2], : image.shape[-1]] = image  # the same values; the gradient reaches the image alone
    return padded


def _unpadded(x: torch.Tensor, size: tuple[int, int], padded: tuple[int, int]) -> torch.Tensor:
    """A feature map of a padded input, cut back to the cells that see the image itself."""
    if x.dim() != 4 or tuple(size) == tuple(padded):
        return x
    rows = math.ceil(size[0] * x.shape[-2] / padded[0])
    cols = math.ceil(size[1] * x.shape[-1] / padded[1])
    return x[..., :rows, :cols]


class Backbone(nn.Module):
    """Named stages plus input normalization; input is RGB in [0,1], NCHW."""

    def __init__(
        self,
        name: str,
        stages: Sequence[tuple[str, nn.Module]],
        normalize: Normalize,
        class_names: Sequence[str] | None = None,
        multiple: int = 1,
    ) -> None:
        """``multiple``: the network's total stride where its padding depends on the size's parity
        (TensorFlow's "same"); inputs are then padded to a multiple of it (see ``_run_stages``)."""
        super().__init__()
        self.name = name
        self.multiple = multiple
        self.normalize = normalize
        self.stages = nn.ModuleDict(stages)
        self.class_names = list(class_names) if class_names is not None else None
        self.dtype = torch.float32
        self._compiled: Callable[..., dict[str, torch.Tensor]] | None = None
        self.requires_grad_(False)
        self.eval()

    def configure(self, dtype: torch.dtype = torch.float32, compile: bool = False) -> Backbone:
        """Run the stages under autocast to ``dtype`` and, with ``compile``, through torch.compile (fewer
        kernel launches: the optimization steps are launch-bound on a large GPU; see ``compiling``).
        Returns ``self``."""
        self.dtype = dtype
        self._compiled = compiling.stages(self._run_stages) if compile else None
        return self

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    @property
    def layer_names(self) -> list[str]:
        return list(self.stages.keys())

    @property
    def feature_map_names(self) -> list[str]:
        """Layers whose output is an (N, C, H, W) feature map: those before the first flattening stage."""
        names = []
        for name, stage in self.stages.items():
            if any(isinstance(module, nn.Flatten) for module in stage.modules()):
                break
            names.append(name)
        return names

    def check_layers(self, layers: Iterable[str], feature_maps: bool = False) -> list[str]:
        """Validate layer names early, with the list of valid names in the message.

        ``feature_maps`` admits only layers with a spatial output (Gram matrices, content maps need one).
        """
        layers = list(layers)
        unknown = [layer for layer in layers if layer not in self.stages]
        if unknown:
            raise OptionError(
                f"unknown layer(s) {', '.join(unknown)} for backbone {self.name}; "
                f"valid: {', '.join(self.layer_names)}"
            )
        maps = self.feature_map_names
        flat = [layer for layer in layers if layer not in maps] if feature_maps else []
        if flat:
            raise OptionError(
                f"layer(s) {', '.join(flat)} of backbone {self.name} give no feature map (their output is flat); "
                f"use one of: {', '.join(maps)}"
            )
        return layers

    def train(self, mode: bool = True) -> Backbone:
        """Stay in eval mode: batch-norm statistics of a pretrained net must never drift."""
        return super().train(False)

    def forward(self, image: torch.Tensor, layers: Iterable[str]) -> dict[str, torch.Tensor]:
        """Features of ``layers`` for ``image``; configured for half precision, they come back fp32."""
        wanted = tuple(self.check_layers(layers))
        with autocast(image.device, self.dtype):
            feats = (self._compiled or self._run_stages)(image, wanted)
        for x in feats.values():
            if x.requires_grad:
                # PyTorch's CPU eval BatchNorm backward returns wrong input gradients for a batch-1
                # gradient with permuted strides (as a transposing objective produces): hand it a
                # contiguous one. contiguous() is free when the gradient already is.
                x.register_hook(torch.Tensor.contiguous)
        if self.dtype == torch.float32:
            return feats  # as computed (under a caller's own autocast, e.g. an AdaIN encoder's, in its dtype)
        return {name: x.float() for name, x in feats.items()}

    def _run_stages(self, image: torch.Tensor, layers: tuple[str, ...]) -> dict[str, torch.Tensor]:
        wanted = set(layers)
        feats: dict[str, torch.Tensor] = {}
        h, w = image.shape[-2:]
        pad_h, pad_w = -h % self.multiple, -w % self.multiple
        if pad_h or pad_w:
            image = _padded(image, pad_h, pad_w)
        x = self.normalize(image)
        for name, stage in self.stages.items():
            if not wanted:
                break
            x = stage(x)
            if name in wanted:
                feats[name] = _unpadded(x, (h, w), (h + pad_h, w + pad_w))
                wanted.discard(name)
        return feats

    def truncated(self, layers: Iterable[str], feature_maps: bool = False) -> Backbone:
        """A view of this backbone without the stages after the deepest of ``layers`` (saves memory)."""
        layers = self.check_layers(layers, feature_maps)
        deepest = max(self.layer_names.index(layer) for layer in layers)
        kept = list(self.stages.items())[: deepest + 1]
        return Backbone(self.name, kept, self.normalize, self.class_names, multiple=self.multiple).configure(self.dtype, self.compiled)

    @torch.no_grad()
    def layer_shapes(self, size: int = 224) -> dict[str, tuple[int, ...]]:
        """Output shape (C, H, W) or (classes,) of every layer for a size x size input."""
        device = self.normalize.mean.device
        feats = self(torch.zeros(1, 3, size, size, device=device), self.layer_names)
        return {name: tuple(f.shape[1:]) for name, f in feats.items()}
