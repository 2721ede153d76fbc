from tensorflow import keras


def down(x):
    return keras.layers.Conv2D(3, 3, padding="same")(x)
