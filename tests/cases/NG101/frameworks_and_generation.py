import torch
from transformers import Trainer


class MyTrainer(Trainer):
    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        outputs = model(**inputs)  # expect: NG101@19
        return outputs.loss, outputs.logits, inputs["labels"]


class Classifier(torch.nn.Module):
    def predict(self, x):
        return self.forward(x).argmax(dim=1)  # expect: NG101@16


def tta_predict(model, image, augmentations):
    model.eval()
    return torch.stack([model(aug(image)) for aug in augmentations]).mean(0)  # expect: NG101@25


def evaluate_policy(env, policy, episodes):
    total = 0.0
    for _ in range(episodes):
        obs, done = env.reset(), False
        while not done:
            action = policy(obs).argmax().item()  # expect: NG101@22
            obs, reward, done, _ = env.step(action)
            total += reward
    return total / episodes
