from .registry import make, register
from . import segmenter
