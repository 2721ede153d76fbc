from helper import detect


def camera(model, frames):
    model.eval()
    for frame in frames:
        print(detect(model, frame))


def folder(model, images):
    model.eval()
    return [detect(model, image) for image in images]
