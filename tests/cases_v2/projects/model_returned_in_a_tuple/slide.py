from detector import detector
from processor import Processor


def find_tissue(tiles, path):
    Processor(tiles).apply(detector(path), batch_size=8)
