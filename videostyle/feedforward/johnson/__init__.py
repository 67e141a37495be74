"""Johnson et al.'s feed-forward style networks (conditional instance norm for several styles): the network, its
model files and its training."""
