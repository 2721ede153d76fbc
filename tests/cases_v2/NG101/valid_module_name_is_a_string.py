"""A variable named `module` that holds a module's dotted name (`type(x).__module__`), checked
in a validation loop: string methods on it are no forward passes."""
import torch


def validate_plugins(plugins, allowed):
    for plugin in plugins:
        module = type(plugin).__module__
        if not module.startswith(allowed):
            raise TypeError(f"{module} is not allowed")


def validate_names(objects, prefix):
    for obj in objects:
        module = obj.__module__
        if module.split(".")[0] != prefix:
            raise TypeError(module)
