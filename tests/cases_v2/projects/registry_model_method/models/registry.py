MODELS = {}


def register(name):
    def add(cls):
        MODELS[name] = cls
        return cls
    return add


def make(spec):
    return MODELS[spec["name"]](**spec.get("args", {}))
