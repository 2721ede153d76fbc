from evaluation import encode_data
from model import VSE


def train(opt, train_loader, val_loader):
    model = VSE(opt)
    for epoch in range(opt.num_epochs):
        model.train_start()
        for images, captions, ids in train_loader:
            model.train_emb(images, captions)
        validate(val_loader, model)


def validate(val_loader, model):
    img_embs, cap_embs = encode_data(model, val_loader)
    return (img_embs @ cap_embs.T).mean()
