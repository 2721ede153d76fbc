import importlib


def get_class(kls):
    module, _, name = kls.rpartition(".")
    return getattr(importlib.import_module(module), name)
