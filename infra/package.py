"""`make package STAGE=<stage>`: the merged SAM template and the Lambda zip for one stage.

Writes <out>/sam.json (Chalice's template with infra/template.py merged in),
<out>/deployment.zip and, for reference, <out>/merge-template.json. Nothing
here talks to AWS; only the package index is needed, to fetch Lambda-compatible
wheels on the first run (Chalice caches them in .chalice/deployments/).
"""

import argparse
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from infra.template import deployable_stages, merge_template

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Chalice insists on a region while packaging, but the template it writes
# names none (it uses ${AWS::Region}); the tests check that this stays true.
PACKAGING_REGION = "us-east-1"


def package(stage: str, out_dir: Path) -> Path:
    """Package `stage` into `out_dir` and return the path of its sam.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    merge_file = out_dir / "merge-template.json"
    merge_file.write_text(json.dumps(merge_template(stage), indent=2) + "\n")
    chalice_cli = str(Path(sys.executable).with_name("chalice"))
    command = [chalice_cli, "package", "--stage", stage, "--merge-template", str(merge_file)]
    env = {**os.environ, "AWS_DEFAULT_REGION": PACKAGING_REGION}
    subprocess.run([*command, str(out_dir)], cwd=PROJECT_DIR, env=env, check=True)
    drop_bytecode(out_dir / "deployment.zip")
    return out_dir / "sam.json"


def drop_bytecode(zip_path: Path) -> None:
    """Remove compiled files: Chalice copies chalicelib/ as it is, __pycache__ included.

    Lambda cannot use them anyway (the zip's timestamps never match), and they
    would make the zip depend on what last ran in the working tree.
    """
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            if "__pycache__/" not in info.filename and not info.filename.endswith(".pyc"):
                target.writestr(info, source.read(info.filename))
    rewritten.replace(zip_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stage", choices=deployable_stages())
    parser.add_argument("--out", type=Path, help="output folder (default: out/<stage>)")
    args = parser.parse_args()
    out_dir = (args.out or PROJECT_DIR / "out" / args.stage).resolve()
    template = package(args.stage, out_dir)
    zip_file = out_dir / "deployment.zip"
    print(f"{template}\n{zip_file} ({zip_file.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
