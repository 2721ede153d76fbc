from tensorflow import keras

from .blocks import down


def build_generator():
    inputs = keras.Input((256, 256, 3))
    return keras.Model(inputs, down(inputs))
