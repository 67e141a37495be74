"""Shared fixtures: tiny media files made on the fly with PyAV, so the tests need no binary assets."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import torch

OWN_PROCESS = "VIDEOSTYLE_TEST_OWN_PROCESS"
"""Set in the child pytest that runs one ``own_process`` test."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "own_process: run this test in a fresh pytest process (Ray's native threads outlive ray.shutdown "
        "and crashed later tests of the same process: a segfault or an abort, now and then)",
    )


def in_own_process() -> bool:
    """Whether this process is the child running one ``own_process`` test (fixtures that start Ray ask)."""
    return os.environ.get(OWN_PROCESS) == "1"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """An ``own_process`` test is run by a child pytest; here it passes when the child passes."""
    if pyfuncitem.get_closest_marker("own_process") is None or in_own_process():
        return None
    import subprocess
    import sys

    root = pyfuncitem.config.rootpath
    child = subprocess.run(
        [sys.executable, "-m", "pytest", pyfuncitem.nodeid, "-q", "-p", "no:cacheprovider"],
        cwd=root, env={**os.environ, OWN_PROCESS: "1"}, capture_output=True, text=True, timeout=900,
    )
    assert child.returncode == 0, f"{pyfuncitem.nodeid} in its own process:\n{child.stdout[-4000:]}\n{child.stderr[-2000:]}"
    return True


@pytest.fixture(autouse=True, scope="session")
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Converted weights go to a folder of this run, not the user's cache (children inherit it)."""
    before = os.environ.get("VIDEOSTYLE_CACHE")
    os.environ["VIDEOSTYLE_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("VIDEOSTYLE_CACHE", None)
    else:
        os.environ["VIDEOSTYLE_CACHE"] = before


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny tensors gain nothing from intra-op threads; on a busy 2-core machine threads cost 10-30x."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


MARKER = (255, 0, 0)
"""Colour of the 8x8 block drawn in the top-right corner of every coded clip frame."""


def clip_frame(index: int, size: tuple[int, int]) -> np.ndarray:
    """Frame ``index`` of a test clip: a grey level that changes per frame and a red top-right marker."""
    width, height = size
    rgb = np.full((height, width, 3), 40 + (index * 13) % 180, dtype=np.uint8)
    rgb[:8, -8:] = MARKER
    return rgb


def tone(seconds: float, rate: int, channels: int) -> np.ndarray:
    """A quiet 440 Hz sine, float32 (channels, samples)."""
    t = np.arange(round(seconds * rate)) / rate
    return np.repeat((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None], channels, axis=0)


def write_audio(
    container: av.container.OutputContainer, stream: av.audio.stream.AudioStream, samples: np.ndarray
) -> None:
    """Encode float32 (channels, n) samples into ``stream`` in the encoder's frame size."""
    context = stream.codec_context
    size = context.frame_size or 1024
    for start in range(0, samples.shape[1], size):
        chunk = samples[:, start : start + size]
        data = chunk if context.format.is_planar else chunk.T.reshape(1, -1)
        if context.format.name.startswith("s16"):
            data = (data * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(data), format=context.format.name, layout=context.layout.name
        )
        frame.sample_rate = context.sample_rate
        frame.pts = start
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def make_clip(
    path: Path,
    size: tuple[int, int] = (64, 48),
    frames: int = 12,
    fps: Fraction = Fraction(30000, 1001),
    audio: bool = True,
    rotation: int = 0,
    audio_codec: str = "aac",
    faststart: bool = True,
    gop: int | None = None,
) -> Path:
    """Write a tiny H.264 clip (coded ``size``, displayed rotated by ``rotation`` degrees CCW; with
    ``gop``, a keyframe every ``gop`` frames and B-frames between, as real films have)."""
    options = {"movflags": "+faststart"} if faststart and path.suffix in (".mp4", ".mov") else {}
    with av.open(str(path), "w", container_options=options) as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast"} if gop is None else {"preset": "veryfast", "g": str(gop), "keyint_min": str(gop), "bf": "3", "sc_threshold": "0"}
        if rotation:
            video.set_display_rotation(rotation)
        sound = None
        if audio:
            sound = out.add_stream(audio_codec, rate=48000)
            sound.layout = "stereo"
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(clip_frame(index, size), format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            write_audio(out, sound, tone(frames / fps, 48000, 2))
    return path


def make_audio_only(path: Path, seconds: float = 0.5) -> Path:
    """An .m4a-like file with a sound track and no picture."""
    with av.open(str(path), "w", format="mp4") as out:
        sound = out.add_stream("aac", rate=48000)
        sound.layout = "mono"
        write_audio(out, sound, tone(seconds, 48000, 1))
    return path


@pytest.fixture
def clip(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``clip(name="in.mp4", **make_clip options)`` writes a test clip into tmp_path."""

    def factory(name: str = "in.mp4", **options: object) -> Path:
        return make_clip(tmp_path / name, **options)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def audio_only(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``audio_only(name="song.m4a", seconds=0.5)`` writes a file with sound and no picture."""

    def factory(name: str = "song.m4a", seconds: float = 0.5) -> Path:
        return make_audio_only(tmp_path / name, seconds)

    return factory


@pytest.fixture(name="clip_frame")
def clip_frame_fixture() -> Callable[[int, tuple[int, int]], np.ndarray]:
    """The picture a test clip was made from, to compare decoded frames with."""
    return clip_frame


@pytest.fixture(name="tone")
def tone_fixture() -> Callable[[float, int, int], np.ndarray]:
    """The quiet sine used for test audio, for writers fed with PcmAudio."""
    return tone


def pan_photo(size: tuple[int, int]) -> np.ndarray:
    """The picture a panning clip of frames ``size`` (width, height) moves over: the astronaut, resized."""
    from skimage import data
    from skimage.transform import resize

    width, height = size
    return (resize(data.astronaut(), (2 * height + 40, 2 * width + 40), anti_aliasing=True) * 255).astype(np.uint8)


def circling_clip(path, frames=16, size=(64, 48), radius=6):
    """A camera circling over the astronaut, once round in ``frames`` frames: frame ``frames`` would be frame 0."""
    photo = pan_photo(size)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "4"}
        for index in range(frames):
            angle = 2 * math.pi * index / frames
            x, y = round(20 + radius * math.cos(angle)), round(20 + radius * math.sin(angle))
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(photo[y : y + size[1], x : x + size[0]]), format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


def moving_frame(
    index: int, size: tuple[int, int], shift: tuple[int, int] = (2, 1), photo: np.ndarray | None = None
) -> np.ndarray:
    """Frame ``index`` of a panning clip: a window over ``photo`` (default ``pan_photo``) moving ``shift`` px a frame."""
    width, height = size
    photo = pan_photo(size) if photo is None else photo
    x, y = 10 + shift[0] * index, 10 + shift[1] * index
    return np.ascontiguousarray(photo[y : y + height, x : x + width])


def make_moving_clip(path: Path, size: tuple[int, int] = (96, 64), frames: int = 6, cut_at: int | None = None) -> Path:
    """A near-lossless H.264 clip of a pan with real motion; from ``cut_at`` on the picture is flipped and
    darkened, a scene cut that neither flow nor colors can bridge."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=24)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "4"}
        for index in range(frames):
            rgb = moving_frame(index, size)
            if cut_at is not None and index >= cut_at:
                rgb = np.ascontiguousarray(rgb[::-1, ::-1] // 3)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


@pytest.fixture
def moving_clip(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``moving_clip(name="pan.mp4", size=(96, 64), frames=6, cut_at=None)`` writes a panning clip."""

    def factory(name: str = "pan.mp4", **options: object) -> Path:
        return make_moving_clip(tmp_path / name, **options)  # type: ignore[arg-type]

    return factory
