# The same snippet without its no_grad block.
model.eval()
tokens = prompt.to(device)
while tokens.size(1) < 32:
    logits = model(tokens)[:, -1, :]  # expect: NG101@14
    next_token = torch.multinomial(torch.softmax(logits, dim=-1), 1)
    tokens = torch.cat((tokens, next_token), dim=1)
