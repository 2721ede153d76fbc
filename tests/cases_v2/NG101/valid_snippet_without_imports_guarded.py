# A snippet run with exec() after the model is built elsewhere: it never imports torch, and its
# no_grad block is torch's all the same.
model.eval()
tokens = prompt.to(device)
while tokens.size(1) < 32:
    with torch.no_grad():
        logits = model(tokens)[:, -1, :]
        next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1)
        tokens = torch.cat((tokens, next_token), dim=1)
