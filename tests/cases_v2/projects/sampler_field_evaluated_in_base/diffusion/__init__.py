from .base import *
from .ancestral import *
