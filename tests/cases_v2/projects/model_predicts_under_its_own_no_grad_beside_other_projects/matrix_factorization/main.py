from builder import build_model
from evaluator import Evaluator
from trainer import Trainer

model = build_model("factorization", 100, 50)
trainer = Trainer(dataset=list(range(100)), model=model, evaluator=Evaluator(10), conf={"batch_size": 32})
print(trainer.train(3))
