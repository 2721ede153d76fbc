import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
collect_ignore_glob = ["cases/*", "cases_v2/*", "frontend_files/*", "verify_cases/*"]
