"""The oldest torch a project declares (io/requirements.py), and what NG302 makes of it: real
metadata files, real `nograd-lint` and `flake8` runs."""
from __future__ import annotations

import pytest
from frontend_files.helpers import flake8, lint, write

from nograd_lint.io.requirements import TorchFloor, declared_floor

DECORATED = "import torch\n\n\n@torch.no_grad\ndef predict(model, x):\n    return model(x)\n"


@pytest.mark.parametrize("name, content, expected", [
    ("pyproject.toml", '[project]\nname = "p"\ndependencies = ["numpy", "torch>=1.9,<3"]\n',
     TorchFloor((1, 9), "torch>=1.9,<3", "pyproject.toml")),
    ("pyproject.toml", '[project]\nname = "p"\n[project.optional-dependencies]\ngpu = ["torch >= 2.0.1"]\n',
     TorchFloor((2, 0), "torch >= 2.0.1", "pyproject.toml")),
    ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.9"\ntorch = "^1.13"\n',
     TorchFloor((1, 13), "torch>=1.13", "pyproject.toml")),
    ("pyproject.toml", '[tool.poetry.dependencies]\ntorch = {version = "~2.2", source = "cpu"}\n',
     TorchFloor((2, 2), "torch>=2.2", "pyproject.toml")),
    ("setup.cfg", "[options]\ninstall_requires =\n    numpy\n    torch>=1.10\n",
     TorchFloor((1, 10), "torch>=1.10", "setup.cfg")),
    ("setup.py", 'from setuptools import setup\nsetup(name="p", install_requires=["torchaudio", "torch>=1.9"])\n',
     TorchFloor((1, 9), "torch>=1.9", "setup.py")),
    ("requirements.txt", "numpy\ntorch==1.7.1+cu110  # the CUDA build\n",
     TorchFloor((1, 7), "torch==1.7.1+cu110", "requirements.txt")),
    ("requirements.txt", "torch<2\n", TorchFloor((1, 0), "torch<2", "requirements.txt")),
    ("requirements.txt", "torch>=2.1\n", TorchFloor((2, 1), "torch>=2.1", "requirements.txt")),
    ("requirements/runtime.txt", "torch>=1.8\n", TorchFloor((1, 8), "torch>=1.8", "requirements/runtime.txt")),
])
def test_the_oldest_release_a_requirement_admits(tmp_path, name, content, expected):
    write(tmp_path, name, content)
    assert declared_floor(tmp_path) == expected


@pytest.mark.parametrize("name, content", [
    ("requirements.txt", "torch\ntorchvision>=0.8\n"),  # no bound: says nothing
    ("requirements.txt", "torchvision==0.8.2\n"),  # not torch
    ("pyproject.toml", "[project\nbroken"),  # unreadable: passed over
    ("setup.py", "setup(install_requires=['torch>=1.9'\n"),  # does not parse
    ("requirements.txt", "torch>=9.0\n"),  # no release admitted
])
def test_no_floor_without_a_bounded_torch_requirement(tmp_path, name, content):
    write(tmp_path, name, content)
    assert declared_floor(tmp_path) is None


@pytest.mark.parametrize("files, expected", [
    ({"setup.py": "setup(install_requires=open('requirements.txt').readlines())\n", "requirements.txt": "scipy\ntorch\n"},
     TorchFloor((1, 0), "torch", "requirements.txt", bounded=False)),
    ({"pyproject.toml": '[project]\nname = "p"\ndependencies = ["torch", "numpy>=1"]\n'},
     TorchFloor((1, 0), "torch", "pyproject.toml", bounded=False)),
    ({"setup.cfg": "[options]\ninstall_requires =\n    torch\n"},
     TorchFloor((1, 0), "torch", "setup.cfg", bounded=False)),
    ({"setup.py": "setup(install_requires=['torch'])\n", "requirements-dev.txt": "torch>=1.12\n"},
     TorchFloor((1, 12), "torch>=1.12", "requirements-dev.txt")),  # a bound anywhere wins
    ({"setup.py": "setup(install_requires=parse_requirements('requirements/runtime.txt'))\n",
      "requirements/runtime.txt": "numpy\ntorch\n", "requirements/docs.txt": "sphinx\n"},
     TorchFloor((1, 0), "torch", "requirements/runtime.txt", bounded=False)),
])
def test_a_package_without_a_lower_bound_admits_every_release(tmp_path, files, expected):
    for name, content in files.items():
        write(tmp_path, name, content)
    assert declared_floor(tmp_path) == expected


def test_an_unbounded_requirement_outside_a_package_says_nothing(tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.black]\nline-length = 100\n")  # tool settings, no package
    write(tmp_path, "requirements.txt", "torch\n")
    assert declared_floor(tmp_path) is None


@pytest.mark.parametrize(("files", "path", "why"), [
    ({"setup.py": "setup(install_requires=open('requirements.txt').readlines())\n", "requirements.txt": "scipy\ntorch\n"},
     "pkg/predict.py", "this package admits every torch release (`torch` in requirements.txt sets no lower bound)"),
    ({".git/HEAD": "", "__init__.py": "from .nodes import NODE_CLASS_MAPPINGS\n"},  # a clone of a node's repository
     "nodes.py", "this ComfyUI custom node runs on any torch its host has installed (`NODE_CLASS_MAPPINGS` in __init__.py)"),
])
def test_ng302_where_every_torch_release_is_admitted(tmp_path, files, path, why):
    for name, content in files.items():
        write(tmp_path, name, content)
    write(tmp_path, path, DECORATED)
    ran = lint(path, cwd=tmp_path)
    assert ran.lines == [f"{path}:4:2: NG302 `@torch.no_grad` without parentheses works only since torch 2.1; "
                         f"on older torch it raises TypeError when the module is imported, and {why}: write "
                         "`@torch.no_grad()`"]
    assert ran.code == 1


PLUGIN = TorchFloor((1, 0), "NODE_CLASS_MAPPINGS", "__init__.py", bounded=False, host="ComfyUI")


@pytest.mark.parametrize(("files", "expected"), [
    ({"__init__.py": "from .nodes import NODE_CLASS_MAPPINGS\n__all__ = ['NODE_CLASS_MAPPINGS']\n"}, PLUGIN),
    ({"__init__.py": "NODE_CLASS_MAPPINGS = {'Mixer': Mixer}\n", "requirements.txt": "torch\nscipy\n"}, PLUGIN),
    # a plugin that states a bound is held to it; a package that only mentions the word is no plugin
    ({"__init__.py": "NODE_CLASS_MAPPINGS = {}\n", "requirements.txt": "torch>=2.1\n"},
     TorchFloor((2, 1), "torch>=2.1", "requirements.txt")),
    ({"__init__.py": "from .nodes import Mixer\n"}, None),
])
def test_a_plugin_of_a_host_runs_on_the_hosts_torch(tmp_path, files, expected):
    for name, content in files.items():
        write(tmp_path, name, content)
    assert declared_floor(tmp_path) == expected


def test_the_package_metadata_wins_over_a_pinned_environment(tmp_path):
    write(tmp_path, "setup.py", 'setup(install_requires=["torch>=1.8"])\n')
    write(tmp_path, "requirements.txt", "torch==2.3.0\n")
    assert declared_floor(tmp_path) == TorchFloor((1, 8), "torch>=1.8", "setup.py")


def test_ng302_reads_the_project_requirement_and_notices_when_it_changes(tmp_path):
    write(tmp_path, "setup.py", 'setup(install_requires=["torch>=1.9"])\n')
    write(tmp_path, "pkg/predict.py", DECORATED)
    ran = lint("pkg/predict.py", cwd=tmp_path)
    assert ran.lines == ["pkg/predict.py:4:2: NG302 `@torch.no_grad` without parentheses works only since torch 2.1; "
                         "on older torch it raises TypeError when the module is imported, and this project supports "
                         "torch 1.9 (`torch>=1.9` in setup.py): write `@torch.no_grad()`"]
    assert ran.code == 1
    write(tmp_path, "setup.py", 'setup(install_requires=["torch>=2.1"])\n')  # the kept result must not be reused
    assert lint("pkg/predict.py", cwd=tmp_path).code == 0
    write(tmp_path, "setup.py", 'setup(install_requires=["torch>=2.0"])\n')
    assert lint("-q", "pkg/predict.py", cwd=tmp_path).code == 1


def test_the_torch_version_setting_overrides_the_project(tmp_path):
    write(tmp_path, "setup.py", 'setup(install_requires=["torch>=2.2"])\n')
    write(tmp_path, "predict.py", DECORATED)
    assert lint("predict.py", cwd=tmp_path).code == 0
    ran = lint("-q", "--torch-version", "2.0", "predict.py", cwd=tmp_path)
    assert ran.code == 1 and "the configured torch-version is 2.0" in ran.out
    write(tmp_path, "pyproject.toml", '[tool.nograd-lint]\ntorch-version = "1.13"\n')
    assert "the configured torch-version is 1.13" in lint("-q", "predict.py", cwd=tmp_path).out
    bad = lint("--torch-version", "latest", "predict.py", cwd=tmp_path)
    assert bad.code == 2
    assert "torch-version must be a torch version such as \"2.0\" or \"1.13\", not 'latest'" in bad.err


def test_flake8_takes_the_torch_version_option(tmp_path):
    write(tmp_path, "predict.py", DECORATED)
    assert flake8("--select", "NG", "predict.py", cwd=tmp_path).lines == []
    ran = flake8("--select", "NG", "--nograd-torch-version", "1.12", "predict.py", cwd=tmp_path)
    assert ran.lines == ["predict.py:4:2: NG302 `@torch.no_grad` without parentheses works only since torch 2.1; on "
                         "older torch it raises TypeError when the module is imported, and the configured "
                         "torch-version is 1.12: write `@torch.no_grad()`"]
