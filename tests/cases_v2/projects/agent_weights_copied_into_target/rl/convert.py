def to_np(t):
    return t.cpu().detach().numpy()
