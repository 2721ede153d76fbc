import torch
import torch.nn.functional as F

from captioner.attention import AttentionCaptioner

model = AttentionCaptioner(100, 32)
optimizer = torch.optim.Adam(model.parameters())
for feats, words in [(torch.randn(4, 32), torch.randint(0, 100, (4, 8)))]:
    logits = model(feats, words, mode="forward")
    loss = F.cross_entropy(logits.flatten(0, 1), words.flatten())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

model.eval()
with torch.no_grad():
    captions = model(torch.randn(4, 32), mode="sample")
print(captions.tolist())
