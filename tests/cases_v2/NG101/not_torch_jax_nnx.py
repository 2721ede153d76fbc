# settings: min_confidence=low
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, rngs):
        self.fc1 = nnx.Linear(784, 256, rngs=rngs)
        self.dropout = nnx.Dropout(0.2, rngs=rngs)
        self.fc2 = nnx.Linear(256, 10, rngs=rngs)

    def __call__(self, x):
        return self.fc2(self.dropout(nnx.relu(self.fc1(x))))


def evaluate(model, batches):
    model.eval()  # dropout off; JAX records nothing unless a function is differentiated
    correct = 0
    for x, y in batches:
        logits = model(x)
        correct += int((jnp.argmax(logits, -1) == y).sum())
    return correct


def predict(model, x):
    model.eval()
    return jnp.argmax(model(x), axis=-1)
