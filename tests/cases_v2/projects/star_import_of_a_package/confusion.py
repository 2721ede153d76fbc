"""A script that gets torch only through `from models import *` (the package star-imports a
module that imports torch), and also uses scikit-learn: it is PyTorch code. Its evaluation loop
inside a loop over folds is one finding."""
from sklearn.metrics import confusion_matrix

from models import *

net = VGG()
predictions, labels = [], []
for fold in range(10):
    net.load_state_dict(torch.load(f"fold{fold}.pt"))
    net.eval()
    loader = torch.utils.data.DataLoader(torch.randn(20, 3, 8, 8), batch_size=5)
    for inputs in loader:
        inputs = Variable(inputs, volatile=True)
        outputs = net(inputs)  # expect: NG101@19
        _, predicted = torch.max(outputs.data, 1)
        predictions.append(predicted)
print(confusion_matrix(labels, predictions))
