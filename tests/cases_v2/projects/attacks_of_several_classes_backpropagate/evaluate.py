import torch


def robust_accuracy(model, attacks, val_loader):
    model.eval()
    for attack in attacks:
        correct = []
        for inputs, labels in val_loader:
            adv = attack(inputs, labels)
            with torch.no_grad():
                logits = model(adv)
            correct.append((logits.argmax(1) == labels).float().mean().item())
        print(sum(correct) / len(correct))


def lpips_distances(distance, attacks, val_loader):
    for attack in attacks:
        found = []
        for inputs, labels in val_loader:
            adv = attack(inputs, labels)
            found.append(distance(inputs, adv).detach())  # expect: NG101@26
        print(torch.cat(found).mean().item())
