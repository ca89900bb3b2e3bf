"""PyJWT without its JWKS client at import: still needed, and nothing lost by it."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def fresh_python(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_pyjwt_on_its_own_still_loads_its_jwks_client_so_the_stand_in_is_needed() -> None:
    script = "import sys, jwt; print('jwt.jwks_client' in sys.modules)"
    assert fresh_python(script) == "True"


def test_through_the_stand_in_the_jwks_client_loads_only_when_used_and_is_the_real_one() -> None:
    script = """
import sys
from chalicelib.platform.jwt_import import import_jwt
jwt = import_jwt()
before = type(sys.modules["jwt.jwks_client"]).__name__
client = jwt.PyJWKClient("https://keys.example.invalid/jwks.json")
import jwt.jwks_client as real
print(before, type(client) is real.PyJWKClient, type(sys.modules["jwt.jwks_client"]).__name__)
"""
    assert fresh_python(script) == "_StandIn True module"
