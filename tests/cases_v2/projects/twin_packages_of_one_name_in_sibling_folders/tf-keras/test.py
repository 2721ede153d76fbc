import numpy as np

from nets.generator import build_generator

model = build_generator()
model.load_weights("generator.h5")
print(model.predict(np.zeros((1, 256, 256, 3))))
