"""A registry builds the model from a config: `MODELS.build(cfg)` calls the build function the
registry keeps, handing it the registry (`registry=self`). What an unknown builder returns is not
the registry it is given: the script loads weights into the result, puts it in eval mode and runs
it through a helper that keeps only numpy values."""
import torch


class Registry:
    def __init__(self, name, build_func=None):
        self._name = name
        self._module_dict = dict()
        self.build_func = build_from_cfg if build_func is None else build_func

    def get(self, key):
        return self._module_dict.get(key)

    def build(self, *args, **kwargs):
        return self.build_func(*args, **kwargs, registry=self)


def build_from_cfg(cfg, registry):
    obj_type = cfg["NAME"]
    obj_cls = registry.get(obj_type) if isinstance(obj_type, str) else obj_type
    return obj_cls(cfg)


MODELS = Registry("models")


def inference_single(model, points):
    ret = model(points.unsqueeze(0))  # expect: NG101@11
    return ret[-1].squeeze(0).detach().cpu().numpy()


def main(cfg, checkpoint, clouds):
    model = MODELS.build(cfg)
    model.load_state_dict(torch.load(checkpoint))
    model.eval()
    for points in clouds:
        print(inference_single(model, points))
