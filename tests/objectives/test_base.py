import torch

from videostyle.objectives import Objective, Sum


class Mean(Objective):
    def __init__(self, layer: str, name: str) -> None:
        super().__init__()
        self.layers, self.name = (layer,), name

    def forward(self, image, feats):
        return feats[self.layers[0]].mean()


def test_objectives_add_scale_and_negate():
    feats = {"a": torch.full((1, 2), 3.0), "b": torch.full((1, 2), 5.0)}
    image = torch.zeros(1, 3, 2, 2)
    objective = 2 * Mean("a", "x") + -Mean("b", "y") + Mean("a", "x") * 0.5
    assert objective.layers == ("a", "b")
    assert objective(image, feats).item() == 2 * 3 - 5 + 1.5
    assert {k: v.item() for k, v in objective.breakdown(image, feats).items()} == {"x": 7.5, "y": -5.0}
    assert isinstance(objective, Sum) and len(objective.parts) == 3  # sums flatten


def test_targets_move_with_the_objective():
    from videostyle.objectives import ContentLoss

    loss = ContentLoss("a", torch.ones(1, 2, 3, 3)) * 2.0
    assert loss.to(torch.float64).inner.target.dtype == torch.float64
