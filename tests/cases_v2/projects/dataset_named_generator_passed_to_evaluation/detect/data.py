class CSVDataset:
    """Images and boxes listed in a CSV file (a plain dataset, no module)."""

    def __init__(self, rows, classes):
        self.rows, self.classes = rows, classes

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def num_classes(self):
        return len(self.classes)

    def label_to_name(self, label):
        return self.classes[label]
