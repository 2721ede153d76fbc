epochs = 3
lr = 1e-3
