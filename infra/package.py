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
    prune_zip(out_dir / "deployment.zip")
    return out_dir / "sam.json"


# argon2-cffi's bindings are compiled ahead of time: at run time they load
# only cffi's compiled backend (_cffi_backend), never the cffi package, which
# with pycparser exists to build bindings. Both stay out of the zip (about
# 160 KB, over a third of it); cffi's dist-info stays, for _cffi_backend's licence.
UNUSED_AT_RUN_TIME = ("cffi/", "pycparser/", "pycparser-")


def prune_zip(zip_path: Path) -> None:
    """Rewrite the zip without what Lambda never loads.

    Compiled files: Chalice copies chalicelib/ as it is, __pycache__ included,
    and Lambda cannot use them anyway (the zip's timestamps never match); they
    would make the zip depend on what last ran in the working tree. And the
    packages of UNUSED_AT_RUN_TIME.
    """
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            if _needed_at_run_time(info.filename):
                target.writestr(info, source.read(info.filename))
    rewritten.replace(zip_path)


def _needed_at_run_time(name: str) -> bool:
    compiled = "__pycache__/" in name or name.endswith(".pyc")
    return not compiled and not name.startswith(UNUSED_AT_RUN_TIME)


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
