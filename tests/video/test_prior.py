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


def test_with_generator_saves_and_restores_the_generator_with_the_prior():
    import torch

    from videostyle.video import PreviousFrame, WithGenerator

    generator = torch.Generator().manual_seed(3)
    prior = WithGenerator(PreviousFrame(), generator)
    prior.update(torch.zeros(1, 3, 2, 2), torch.ones(1, 3, 2, 2))
    state = prior.state()
    expected = torch.rand(4, generator=generator)
    other = WithGenerator(PreviousFrame(), torch.Generator().manual_seed(99))
    other.restore(state)
    assert torch.equal(torch.rand(4, generator=other.generator), expected)
    assert torch.equal(other.start(torch.zeros(1, 3, 2, 2)).init, torch.ones(1, 3, 2, 2))
