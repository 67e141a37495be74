"""videostyle.names lists each named choice without loading anything; the registries that build them agree."""

from videostyle import names
from videostyle.backbones import BACKBONES, DEFAULT_BACKBONE
from videostyle.color import PALETTES
from videostyle.media.codecs import CODECS
from videostyle.flow import DEFAULT_PRESET, FLOW_METHODS, FLOW_PRESETS
from videostyle.optim import OPTIMIZERS
from videostyle.stylize.style_targets import STYLE_LOSSES
from videostyle.timeline.schedule import EASES
from videostyle.objectives import TV_OPERATORS
from videostyle.visualize.maximize import PICTURE_PARAMS
from videostyle.visualize.saliency import METHODS


def test_the_light_names_are_the_registries_names():
    assert names.BACKBONE_NAMES == tuple(BACKBONES) and names.DEFAULT_BACKBONE == DEFAULT_BACKBONE
    assert names.PALETTE_NAMES == tuple(PALETTES)
    assert names.STYLE_LOSS_NAMES == tuple(STYLE_LOSSES)
    assert names.OPTIMIZER_NAMES == tuple(OPTIMIZERS)
    assert (names.FLOW_METHODS, names.FLOW_PRESETS, names.DEFAULT_FLOW_PRESET) == (FLOW_METHODS, FLOW_PRESETS, DEFAULT_PRESET)
    assert names.CODEC_NAMES == tuple(CODECS)
    assert names.EASE_NAMES == tuple(EASES)
    assert names.TV_OPERATOR_NAMES == TV_OPERATORS
    assert names.PICTURE_PARAM_NAMES == tuple(PICTURE_PARAMS)
    assert names.SALIENCY_METHODS == METHODS
