import importlib


def build_model(name, num_users, num_items):
    # the model class is named by the configuration: which one is not known here
    return getattr(importlib.import_module(f"{name}_model"), "Model")(num_users, num_items)
