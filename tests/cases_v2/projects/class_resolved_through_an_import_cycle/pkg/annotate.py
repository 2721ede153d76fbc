"""Reading `Detector` resolves its base in `engine.py`, which builds a `Detector` while that
class is resolved (an import cycle through a function's body): analysed together with
`engine.py`, both files are read without an internal error. The detections are kept and
returned to callers the analysis cannot see: silent."""
from pkg.detector import Detector


def annotate(images):
    detector = Detector()
    return [detector(image) for image in images]
