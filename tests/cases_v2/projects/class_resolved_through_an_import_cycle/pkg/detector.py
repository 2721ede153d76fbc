from pkg.engine import Model


class Detector(Model):
    """A task's model: its base class is read from `engine.py`, whose `fresh_copy` builds a
    `Detector` again while this class is being resolved."""
