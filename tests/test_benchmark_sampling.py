"""benchmarks/speed.py's samples, as `--list` prints them: single files, or whole projects."""
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "speed.py"


def _tree(root: Path) -> None:
    for project, files in (("alpha", 3), ("beta", 2), ("gamma", 4)):
        for index in range(files):
            path = root / project / "pkg" / f"m{index}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x = 1\n" * 10, encoding="utf-8")


def _listed(root: Path, *options: str) -> list[Path]:
    done = subprocess.run([sys.executable, str(SCRIPT), str(root), "--list", *options],
                          capture_output=True, text=True, check=True)
    return [Path(line) for line in done.stdout.splitlines()]


def test_whole_projects_sample_takes_every_file_of_each_project_it_picks(tmp_path):
    _tree(tmp_path)
    for seed in range(6):
        listed = _listed(tmp_path, "--whole-projects", "--lines", "25", "--seed", str(seed))
        projects = {path.relative_to(tmp_path.resolve()).parts[0] for path in listed}
        expected = {"alpha": 3, "beta": 2, "gamma": 4}
        assert len(listed) == sum(expected[name] for name in projects)
        assert sum(expected[name] for name in projects) * 10 >= 25  # reaches the target
        assert len(projects) in (1, 2)  # stops as soon as it reaches it


def test_file_sample_reaches_the_target_with_single_files(tmp_path):
    _tree(tmp_path)
    listed = _listed(tmp_path, "--lines", "25", "--seed", "0")
    assert len(listed) == 3  # 10 lines each: three files reach 25
