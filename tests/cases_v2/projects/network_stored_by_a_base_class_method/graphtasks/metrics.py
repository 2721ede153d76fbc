def accuracy(graphs, gnn, readout):
    readout.eval()
    correct = total = 0
    for x, adj, y in graphs:
        out = gnn(x, adj, readout)  # expect: NG101@15
        correct += int((out.argmax(dim=-1) == y).sum())
        total += len(y)
    return correct / total


def scores(graphs, gnn, readout):
    readout.eval()
    return [gnn(x, adj, readout).softmax(dim=-1).tolist() for x, adj, _ in graphs]
