"""Device resolution says when a GPU machine falls back to its CPU; device-side generators."""

from __future__ import annotations

import warnings

import pytest
import torch

from videostyle import device as device_module
from videostyle.device import cuda_unusable, generator_on, resolve_device
from videostyle.errors import OptionError, VideostyleWarning


def _machine(monkeypatch: pytest.MonkeyPatch, gpu: bool, available: bool, cuda_build: str | None = "12.8") -> None:
    monkeypatch.setattr(device_module, "nvidia_gpu_present", lambda: gpu)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    monkeypatch.setattr(torch.version, "cuda", cuda_build)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)


def test_auto_on_a_cpu_machine_is_silent(monkeypatch):
    _machine(monkeypatch, gpu=False, available=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_device("auto") == torch.device("cpu")


def test_auto_says_one_line_when_the_gpu_is_unusable(monkeypatch):
    _machine(monkeypatch, gpu=True, available=False)
    with pytest.warns(VideostyleWarning, match="has an NVIDIA GPU, but PyTorch cannot initialize CUDA") as caught:
        assert resolve_device("auto") == torch.device("cpu")
    assert len(caught) == 1 and "\n" not in str(caught[0].message)


@pytest.mark.parametrize(
    ("build", "visible", "said"),
    [(None, None, "built without CUDA"), ("12.8", "", "CUDA_VISIBLE_DEVICES hides"), ("12.8", "-1", "CUDA_VISIBLE_DEVICES hides")],
)
def test_the_reason_is_named(monkeypatch, build, visible, said):
    _machine(monkeypatch, gpu=True, available=False, cuda_build=build)
    if visible is not None:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert said in cuda_unusable()


def test_torch_own_reason_is_kept(monkeypatch):
    _machine(monkeypatch, gpu=True, available=False)

    def old_driver() -> bool:
        warnings.warn("CUDA initialization: The NVIDIA driver on your system is too old (found version 10010).\nmore")
        return False

    monkeypatch.setattr(torch.cuda, "is_available", old_driver)
    assert cuda_unusable() == "PyTorch cannot initialize CUDA (CUDA initialization: The NVIDIA driver on your system is too old (found version 10010).)"


def test_an_index_past_the_last_gpu_is_refused(monkeypatch):
    _machine(monkeypatch, gpu=True, available=True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 8)
    assert resolve_device("cuda:7") == torch.device("cuda:7")
    with pytest.raises(OptionError, match="only 8 CUDA GPUs"):
        resolve_device("cuda:8")


def test_generators_stay_on_the_cpu_and_meta():
    source = torch.Generator().manual_seed(3)
    assert generator_on(torch.device("cpu"), source) is source
    assert generator_on(torch.device("meta"), source) is source
    assert generator_on(torch.device("cpu"), None) is None


def test_a_cuda_device_turns_cudnn_autotuning_on(monkeypatch):
    _machine(monkeypatch, gpu=True, available=True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.backends.cudnn, "benchmark", False)
    assert resolve_device("cuda") == torch.device("cuda") and torch.backends.cudnn.benchmark


def test_the_python_api_picks_the_device_as_the_cli_does():
    """The entry points default to 'auto' (the GPU where there is one), like --device."""
    import inspect

    import torch

    from videostyle.device import as_device
    from videostyle.dream.run import iter_dream_file
    from videostyle.feedforward.files import iter_apply_model_file as with_model
    from videostyle.stylize.run import iter_stylize_file, iter_stylize_image, iter_stylize_video, stylize_image

    for function in (iter_stylize_file, iter_stylize_image, iter_stylize_video, stylize_image, iter_dream_file, with_model):
        assert inspect.signature(function).parameters["device"].default == "auto", function.__name__
    assert as_device("cpu") == torch.device("cpu") and as_device(torch.device("cpu")) == torch.device("cpu")
    assert as_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
