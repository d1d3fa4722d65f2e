"""The verifier must run without Django and without the Boai server package."""

import subprocess
import sys
from pathlib import Path

VERIFIER = Path(__file__).resolve().parents[1]


def test_imports_neither_django_nor_boai():
    code = (
        "import sys, boai_verifier.cli, boai_verifier.audit, boai_verifier.source, boai_verifier.state\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'boai', 'rest_framework'))\n"
        "assert not bad, bad\n"
        "print('clean')\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(VERIFIER)!r})\n" + code],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "clean" in result.stdout, result.stderr
