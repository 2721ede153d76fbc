# settings: min_confidence=low
import numpy as np
import tensorflow as tf

model = tf.keras.models.load_model("classifier.keras")


def evaluate(model, dataset):
    acc = tf.keras.metrics.SparseCategoricalAccuracy()
    for x, y in dataset:
        logits = model(x, training=False)
        acc.update_state(y, logits)
    return float(acc.result())


def predict(model, images):
    return np.argmax(model.predict(images, batch_size=64), axis=-1)


test_ds = tf.data.Dataset.load("test_ds")
print("accuracy", evaluate(model, test_ds))
print(predict(model, np.load("images.npy"))[:10])
