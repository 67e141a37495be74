"""MicroAST (Wang et al., AAAI 2023): arbitrary style transfer with two micro encoders and a micro decoder.

Written for this project from the paper and a reading of the authors' MIT-licensed code
(github.com/EndyWon/MicroAST); the weights are theirs, converted by tools/convert_microast.py and
shipped beside this module (see weights/NOTICE). No VGG runs at inference: a content encoder and a
style encoder of the same shape (depthwise-separable convs, two residual blocks, stride 4, 64
channels) feed a decoder that modulates the content features twice with the style:

* feature modulation: AdaIN with the style features' mean and std (unbiased variance, as trained);
* filter modulation: a per-channel weight ``w`` and bias ``b`` from a small modulator (a depthwise
  conv on the style features, averaged), applied inside each decoder residual block as
  ``w * conv(x) + b * x``.

Everything the style contributes is per-channel numbers, so one style image becomes one fixed
``(1, 512)`` code (``encode_style``), and blending styles is blending codes, as for AdaIN.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ...errors import WeightsError
from ..alpha import Alpha, alpha_trace_key, with_alpha

CHANNELS = 64
CODE = 8 * CHANNELS  # per decoder stage: style mean, style std, filter weight, filter bias
EPS = 1e-5
STYLE_SIDE = 512  # style images are resized to this short side: the scale the network was trained at
_MULTIPLE = 4  # two stride-2 convolutions
WEIGHTS = Path(__file__).with_name("weights") / "microast.safetensors"


def _conv(cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel, stride, padding=kernel // 2, groups=groups, padding_mode="reflect")


class Residual(nn.Module):
    """Two 3x3 convs with a skip; optionally filter-modulated per channel by ``(w, b)``: ``w*conv(x) + b*x``."""

    def __init__(self, channels: int = CHANNELS) -> None:
        super().__init__()
        self.first = _conv(channels, channels, 3)
        self.second = _conv(channels, channels, 3)

    def forward(self, x: torch.Tensor, w: torch.Tensor | None = None, b: torch.Tensor | None = None) -> torch.Tensor:
        if w is None or b is None:
            return x + self.second(F.relu(self.first(x)))
        y = F.relu(torch.addcmul(b * x, w, self.first(x)))
        return x + torch.addcmul(b * y, w, self.second(y))


class Encoder(nn.Module):
    """RGB -> two 64-channel feature maps at stride 4 (after the first and the second residual block)."""

    def __init__(self) -> None:
        super().__init__()
        self.convs = nn.ModuleList(
            [_conv(3, 16, 9), _conv(16, 32, 3, 2, groups=16), _conv(32, 32, 1), _conv(32, 64, 3, 2, groups=32), _conv(64, 64, 1)]
        )
        self.first = Residual()
        self.second = Residual()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for conv in self.convs:
            x = F.relu(conv(x))
        shallow = self.first(x)
        return shallow, self.second(shallow)


class Modulator(nn.Module):
    """Style features -> filter weights and biases: a depthwise 3x3 conv each, averaged over the image."""

    def __init__(self) -> None:
        super().__init__()
        self.maps = nn.ModuleList(_conv(CHANNELS, CHANNELS, 3, groups=CHANNELS) for _ in range(4))

    def forward(self, shallow: torch.Tensor, deep: torch.Tensor) -> torch.Tensor:
        """(N, 4C): weight and bias from the shallow features, then weight and bias from the deep ones."""
        inputs = (shallow, shallow, deep, deep)
        return torch.cat([conv(x).mean(dim=(2, 3)) for conv, x in zip(self.maps, inputs)], dim=1)


def mean_std(x: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, 2C): per-channel mean, then sqrt(unbiased variance + EPS), as MicroAST was trained."""
    var, mean = torch.var_mean(x, dim=(2, 3), correction=1)
    return torch.cat([mean, (var + EPS).sqrt()], dim=1)


def _adain(x: torch.Tensor, stats: torch.Tensor) -> torch.Tensor:
    """Statistics and the shift in fp32 even in a bf16 network (bf16's 8-bit mantissa moved colors
    visibly); the result in ``x``'s dtype, as the next layer takes it."""
    dtype, x = x.dtype, x.float()
    (mean, std), (style_mean, style_std) = mean_std(x)[:, :, None, None].chunk(2, dim=1), stats[:, :, None, None].float().chunk(2, dim=1)
    return torch.addcmul(style_mean, x - mean, style_std / std).to(dtype)


class Decoder(nn.Module):
    """Modulated content features -> RGB: two modulated residual blocks, then two (bilinear x2,
    depthwise 3x3, pointwise) stages and a 9x9 conv to RGB. No output activation, as trained."""

    def __init__(self) -> None:
        super().__init__()
        self.deep = Residual()
        self.shallow = Residual()
        self.convs = nn.ModuleList(
            [_conv(64, 32, 3, groups=32), _conv(32, 32, 1), _conv(32, 16, 3, groups=16), _conv(16, 16, 1), _conv(16, 3, 9)]
        )

    def forward(self, shallow: torch.Tensor, deep: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        shallow_stats, deep_stats, filters = code.to(deep.dtype).split((2 * CHANNELS, 2 * CHANNELS, 4 * CHANNELS), dim=1)
        w1, b1, w2, b2 = filters[:, :, None, None].chunk(4, dim=1)
        x = self.deep(_adain(deep, deep_stats), w2, b2)
        x = self.shallow(_adain(x, shallow_stats), w1, b1)
        for i, conv in enumerate(self.convs):
            if i in (0, 2):
                x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = conv(x)
            if i < 4:
                x = F.relu(x)
        return x


class MicroASTNetwork(nn.Module):
    """``forward(images, code)`` -> stylized images of the same size; ``encode_style`` makes the code.

    ``alpha`` < 1 blends each frame's own style code into the given one (as ``builtin:arbitrary`` does
    with its style vectors). The authors' trade-off instead mixes AdaIN'd and raw content features;
    their decoder never saw such mixtures in training, and at alpha 0.6 its output reached 11.8 on
    a [0, 1] scale (samples/photo.jpg), so it is not used.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.content = Encoder()
        self.style = Encoder()
        self.modulator = Modulator()
        self.decoder = Decoder()
        self.alpha: Alpha = alpha  # a number, or one per image of the next batch (--alpha-at)

    def encode_style(self, image: torch.Tensor) -> torch.Tensor:
        """(N,3,H,W) in [0,1] -> (N, 512): the style's feature statistics and filter modulation."""
        h, w = image.shape[-2:]
        scale = STYLE_SIDE / min(h, w)
        size = (max(_MULTIPLE, round(h * scale)), max(_MULTIPLE, round(w * scale)))
        image = F.interpolate(image, size=size, mode="bilinear", align_corners=False, antialias=scale < 1)
        shallow, deep = self.style(image.clamp(0, 1))
        return torch.cat([mean_std(shallow), mean_std(deep), self.modulator(shallow, deep)], dim=1)

    def trace_key(self) -> float | None:
        return alpha_trace_key(self.alpha)

    def forward(self, images: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        h, w = images.shape[-2:]
        pad_h, pad_w = -h % _MULTIPLE, -w % _MULTIPLE
        x = F.pad(images, (0, pad_w, 0, pad_h), mode="reflect") if pad_h or pad_w else images
        code = with_alpha(self.alpha, code, lambda: self.encode_style(images), lerp=True)
        shallow, deep = self.content(x)
        return self.decoder(shallow, deep, code)[..., :h, :w]


def load_microast(alpha: float = 1.0, path: Path = WEIGHTS) -> MicroASTNetwork:
    """The network with the shipped weights (a one-line WeightsError if the file is missing or damaged)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    network = MicroASTNetwork(alpha)
    try:
        network.load_state_dict(load_file(str(path)))
    except (OSError, SafetensorError, RuntimeError) as exc:
        raise WeightsError(f"cannot load the MicroAST weights {path}: {str(exc).splitlines()[0]}; reinstall videostyle") from exc
    return network.eval().requires_grad_(False)
