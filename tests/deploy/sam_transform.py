"""The SAM transform that CloudFormation applies at deploy time, run here.

AWS's own translator (aws-sam-translator, the library behind the SAM CLI and
the AWS::Serverless transform) is installed once into out/.cache, apart from
the venv whose pydantic it would pin, and run by a bare Python on it alone.
"""

import json
import subprocess
import sys
from typing import Any

from tests.deploy.support import REGION
from tests.deploy.tool_cache import installed

SAM_TRANSLATOR = "aws-sam-translator==1.115.0"

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


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """The plain CloudFormation that the SAM transform makes of `template`.

    `aws cloudformation package` first replaces the zip's local path with its
    S3 location, which the transform requires; a stand-in does the same here.
    """
    packaged = json.loads(json.dumps(template))
    packaged["Resources"]["APIHandler"]["Properties"]["CodeUri"] = "s3://artifacts/deployment.zip"
    result = subprocess.run(
        [sys._base_executable, "-I", "-S", "-c", TRANSLATE, str(installed(SAM_TRANSLATOR))],
        input=json.dumps(packaged),
        capture_output=True,
        text=True,
        env={"AWS_DEFAULT_REGION": REGION, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
