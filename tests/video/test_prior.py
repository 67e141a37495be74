import torch

from videostyle.video import FrameStart, IndependentFrames, PreviousFrame


def test_plain_priors_save_and_restore():
    image = torch.rand(1, 3, 8, 8)
    previous = PreviousFrame()
    previous.update(image, image * 0.5)
    again = PreviousFrame()
    again.restore(previous.state())
    assert torch.equal(again.start(image).init, image * 0.5)
    assert IndependentFrames().state() == {} and IndependentFrames().start(image) == FrameStart()


def test_a_saved_state_is_a_cpu_copy_that_later_frames_do_not_change():
    previous = PreviousFrame()
    result = torch.zeros(1, 3, 4, 4)
    previous.update(result, result)
    state = previous.state()
    result += 1  # the engine reuses its buffer
    assert state["previous"].device.type == "cpu" and float(state["previous"].sum()) == 0
