"""AdaIN (Huang and Belongie 2017): a decoder trained for any style, its files and its training."""
