"""What a network "sees": activations of layers, channels, single neurons and class logits.

These are values to *maximize*; the optimization loop minimizes, so callers negate them
(``-LayerEnergy("block7")``). Each is a mean, so its scale does not depend on the image size.
"""

from __future__ import annotations

import torch

from .base import Features, Objective


class LayerEnergy(Objective):
    """Mean of a² over a whole layer: DeepDream's objective (its gradient is the activation itself)."""

    name = "layer"

    def __init__(self, layer: str) -> None:
        super().__init__()
        self.layers = (layer,)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return feats[self.layers[0]].pow(2).mean()


class LayerAmplify(Objective):
    """Mean of |a| + a² over a layer (cnn-vis's "amplify_layer"): also pushes weak activations up."""

    name = "amplify"

    def __init__(self, layer: str) -> None:
        super().__init__()
        self.layers = (layer,)

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        a = feats[self.layers[0]]
        return (a.abs() + a.pow(2)).mean()


class Channel(Objective):
    """Mean activation of one channel of a convolutional layer."""

    name = "channel"

    def __init__(self, layer: str, channel: int) -> None:
        super().__init__()
        self.layers = (layer,)
        self.channel = channel

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return feats[self.layers[0]][:, self.channel].mean()


class Neuron(Objective):
    """One unit: channel ``channel`` at feature-map position (y, x), clamped into the map."""

    name = "neuron"

    def __init__(self, layer: str, channel: int, y: int, x: int) -> None:
        super().__init__()
        self.layers = (layer,)
        self.channel, self.y, self.x = channel, y, x

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        a = feats[self.layers[0]]
        y, x = min(self.y, a.shape[-2] - 1), min(self.x, a.shape[-1] - 1)
        return a[:, self.channel, y, x].mean()


class ClassLogit(Objective):
    """The pre-softmax score of one ImageNet class (Simonyan et al.'s class visualization)."""

    name = "class"

    def __init__(self, index: int, layer: str = "logits") -> None:
        super().__init__()
        self.layers = (layer,)
        self.index = index

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        return feats[self.layers[0]][:, self.index].mean()


class FeatureDot(Objective):
    """Dot product of a layer's features with a guide image's, averaged over positions.

    Guided DeepDream: each position is pushed towards the guide feature it resembles most
    (the max over guide positions), so the guide's motifs appear where they fit.
    """

    name = "guide"

    def __init__(self, layer: str, guide_features: torch.Tensor) -> None:
        super().__init__()
        self.layers = (layer,)
        c = guide_features.shape[1]
        self.register_buffer("guide", guide_features.detach().reshape(c, -1))

    def forward(self, image: torch.Tensor, feats: Features) -> torch.Tensor:
        a = feats[self.layers[0]]
        flat = a.reshape(a.shape[0], a.shape[1], -1)  # N, C, P
        match = torch.einsum("ncp,cg->npg", flat, self.guide).argmax(dim=2)  # best guide position per pixel
        chosen = self.guide.t()[match]  # N, P, C
        return (flat.transpose(1, 2) * chosen).sum(-1).mean()
