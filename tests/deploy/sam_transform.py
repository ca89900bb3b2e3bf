"""The SAM transform that CloudFormation applies at deploy time, run here.

AWS's own translator (aws-sam-translator, the library behind the SAM CLI and
the AWS::Serverless transform) is installed once into out/.cache, apart from
the venv whose pydantic it would pin, and run by a bare Python on it alone.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.deploy.support import PROJECT_DIR, REGION

SAM_TRANSLATOR = "aws-sam-translator==1.115.0"
CACHE = PROJECT_DIR / "out" / ".cache"

TRANSLATE = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from samtranslator.translator.transform import transform

class ManagedPolicies:
    # What IAM's ListPolicies would say about the one managed policy SAM attaches here.
    def load(self):
        arn = "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda"
        return {"AWSCodeDeployRoleForLambda": arn}

template = json.load(sys.stdin)
print(json.dumps(transform(template, {}, ManagedPolicies())))
"""


def translator_path() -> Path:
    target = CACHE / SAM_TRANSLATOR.replace("==", "-")
    if not target.exists():
        partial = target.with_name(f"{target.name}.partial")
        subprocess.run(["rm", "-rf", str(partial)], check=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += ["--only-binary=:all:", "--target", str(partial), SAM_TRANSLATOR]
        subprocess.run(command, check=True)
        partial.rename(target)
    return target


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """The plain CloudFormation that the SAM transform makes of `template`.

    `aws cloudformation package` first replaces the zip's local path with its
    S3 location, which the transform requires; a stand-in does the same here.
    """
    packaged = json.loads(json.dumps(template))
    packaged["Resources"]["APIHandler"]["Properties"]["CodeUri"] = "s3://artifacts/deployment.zip"
    result = subprocess.run(
        [sys._base_executable, "-I", "-S", "-c", TRANSLATE, str(translator_path())],
        input=json.dumps(packaged),
        capture_output=True,
        text=True,
        env={"AWS_DEFAULT_REGION": REGION, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
