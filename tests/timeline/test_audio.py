"""Audio-reactive settings: features per video frame, frame-exact, and the mappings onto parameters."""

import av
import numpy as np
import pytest

from videostyle.errors import InputError, OptionError
from videostyle.timeline.audio import FEATURES, analyse, decode_mono
from videostyle.timeline.react import ReactOptions, parse_reaction, reaction_offsets

CLICKS = (10, 25, 40)


def write_clicks(path, times, seconds=2.0, rate=48000, codec="pcm_s16le"):
    """A 220 Hz tone with a 5 ms noise burst starting at each of ``times`` (seconds)."""
    t = np.arange(int(seconds * rate)) / rate
    x = 0.2 * np.sin(2 * np.pi * 220 * t)
    n = rate // 200
    for k, at in enumerate(times):
        i = round(at * rate)
        x[i : i + n] += 0.7 * np.random.default_rng(k).uniform(-1, 1, n) * np.exp(-np.arange(n) / (n / 4))
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        samples = (np.clip(x, -1, 1) * 32767).astype(np.int16)[None] if codec == "pcm_s16le" else x.astype(np.float32)[None]
        frame = av.AudioFrame.from_ndarray(samples, format="s16" if codec == "pcm_s16le" else "fltp", layout="mono")
        frame.sample_rate, frame.pts = rate, 0
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def peaks(values, level=0.5):
    return [i for i, v in enumerate(values) if v > level]


def test_onsets_land_on_the_frames_of_the_clicks(tmp_path):
    pcm = decode_mono(write_clicks(tmp_path / "clicks.wav", [f / 30 for f in CLICKS]))
    features = analyse(pcm, [i / 30 for i in range(60)])
    assert set(features.values) == set(FEATURES)
    for name in ("onset", "onset.high"):
        assert peaks(features.values[name]) == list(CLICKS), name
        quiet = np.delete(features.values[name], CLICKS)
        assert quiet.max() < 0.1  # a steady tone has no onsets
    assert features.values["loudness"].max() == pytest.approx(1)
    assert features.values["loudness.low"].min() > 0.9  # the tone, all along


def test_a_variable_frame_rate_is_followed_by_presentation_time(tmp_path):
    """Frames last 1/30 s, then 1/12 s: each click counts on the frame whose window holds it."""
    times = [i / 30 for i in range(20)] + [20 / 30 + i / 12 for i in range(20)]
    clicked = (7, 23, 31)
    pcm = decode_mono(write_clicks(tmp_path / "vfr.wav", [times[i] + 0.002 for i in clicked]))
    assert peaks(analyse(pcm, times).values["onset"]) == list(clicked)


def test_the_soundtrack_of_an_aac_file_decodes_in_time(tmp_path):
    pcm = decode_mono(write_clicks(tmp_path / "clicks.m4a", [f / 30 for f in CLICKS], codec="aac"))
    features = analyse(pcm, [i / 30 for i in range(60)], origin=pcm.start)
    assert peaks(features.values["onset"]) == list(CLICKS)


def test_mappings_parse_and_add_up(tmp_path):
    assert parse_reaction("zoom=onset:0.05") == parse_reaction(" zoom = onset : 0.05 ")
    assert parse_reaction("strength=loudness.low").scale == 1
    for bad in ("zoom", "zoom=beat", "hue=onset", "zoom=onset:x", "zoom=onset:inf"):
        with pytest.raises(OptionError, match="--react"):
            parse_reaction(bad)
    audio = write_clicks(tmp_path / "clicks.wav", [f / 30 for f in CLICKS])
    options = ReactOptions(("zoom=onset:0.05", "zoom=onset.high:0.05", "rotate=onset:-2"), audio)
    offsets = reaction_offsets(options, [i / 30 for i in range(60)])
    zoom = [offsets.at(i)["zoom"] for i in range(60)]
    assert peaks(zoom, 0.05) == list(CLICKS)
    assert offsets.at(10)["rotate"] == pytest.approx(-2 * offsets.features.at(10)["onset"])
    assert offsets.at(10)["step"] == 0
    with pytest.raises(OptionError, match="--audio FILE"):
        reaction_offsets(ReactOptions(("zoom=onset",)), [0.0])


def test_a_file_without_sound_is_refused(tmp_path):
    from videostyle.media import VideoWriter

    with VideoWriter(tmp_path / "mute.mp4", fps=30) as writer:
        writer.write(np.zeros((16, 16, 3), np.uint8))
    with pytest.raises(InputError, match="no soundtrack"):
        decode_mono(tmp_path / "mute.mp4")
