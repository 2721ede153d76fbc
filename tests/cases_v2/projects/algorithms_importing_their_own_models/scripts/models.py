def describe(name):
    return f"model {name}"
