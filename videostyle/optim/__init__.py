"""The one optimization loop, its image parameterizations, optimizers, transforms and coarse-to-fine driver."""

from .ascent import NormalizedGradient
from .coarse_to_fine import DetailCarry, ResultCarry, coarse_to_fine, renumber
from .loop import Step, optimize
from .optimizers import OPTIMIZERS, OptimizerName, decay, make_optimizer, step_decay
from .params import FourierImage, ImageParam, PixelImage, RatedPixelImage
from .tiling import Box, TileBatch, TiledObjective, tile_boxes
from .transforms import Jitter, RandomRoll, Transform, affine_warp, compose, make_generator

__all__ = ["Box", "TileBatch", "TiledObjective", "tile_boxes", "DetailCarry", "Jitter", "NormalizedGradient", "RandomRoll", "ResultCarry", "Transform", "affine_warp", "coarse_to_fine", "compose", "make_generator", "renumber", "OPTIMIZERS", "FourierImage", "ImageParam", "OptimizerName", "PixelImage", "RatedPixelImage", "Step", "decay", "make_optimizer", "optimize", "step_decay"]
