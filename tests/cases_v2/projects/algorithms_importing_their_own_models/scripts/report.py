from models import describe

print(describe("dqn"))
