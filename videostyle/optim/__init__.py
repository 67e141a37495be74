"""The one optimization loop, its image parameterizations, optimizers, transforms and coarse-to-fine driver."""

from ..lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    ".ascent": ("NormalizedGradient",),
    ".coarse_to_fine": ("DetailCarry", "ResultCarry", "coarse_to_fine", "renumber"),
    ".loop": ("Step", "optimize"),
    ".optimizers": ("OPTIMIZER_FACTORIES", "OPTIMIZERS", "OptimizerName", "decay", "make_optimizer", "step_decay"),
    ".params": ("FourierImage", "ImageParam", "PixelImage", "RatedPixelImage"),
    ".tiling": ("Box", "TileBatch", "TiledObjective", "tile_boxes"),
    ".transforms": ("Jitter", "RandomRoll", "Transform", "affine_warp", "compose", "make_generator"),
})
