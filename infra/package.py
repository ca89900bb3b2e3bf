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
import tempfile
import zipfile
from pathlib import Path

from infra.releases import invoke_alias
from infra.template import API, FUNCTION, deployable_stages, merge_template

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
    template_file = out_dir / "sam.json"
    template = json.loads(template_file.read_text())
    invoke_alias(template, FUNCTION, API)
    template_file.write_text(json.dumps(template, indent=2) + "\n")
    return template_file


# Nothing imports PyJWT's help or its JWKS client (chalicelib/platform/jwt_import.py
# keeps PyJWT from loading the client; building one in the zip fails, saying
# it is missing), or reads the type markers.
UNUSED_AT_RUN_TIME = (
    "jwt/help.py",
    "jwt/jwks_client.py",
    "jwt/jwk_set_cache.py",
)
UNUSED_FILE_NAMES = ("py.typed",)
# What is kept of each package's metadata: its licence, and its WHEEL file,
# whose tags say which platform the package was built for (the zip tests read them).
KEPT_METADATA = ("LICENSE", "COPYING", "NOTICE", "WHEEL")


def prune_zip(zip_path: Path) -> None:
    """Rewrite the zip with only what Lambda runs, every module as bytecode.

    Lambda's code directory is read-only, so a zip of sources makes every
    cold start compile them all again. Each module is shipped instead as the
    bytecode of the Python that packages it, which is the runtime's (the
    template's Runtime follows it), in place of its source. See compile_tree.
    """
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch)
        with zipfile.ZipFile(zip_path) as source:
            kept = [i for i in source.infolist() if _needed_at_run_time(i.filename)]
            source.extractall(tree, members=kept)
        compile_tree(tree)
        rewritten = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for info in kept:
                name = _shipped_name(info.filename)
                target.writestr(_info_for(info, name), (tree / name).read_bytes())
    rewritten.replace(zip_path)


def compile_tree(tree: Path) -> None:
    """Replace each .py under `tree` with its bytecode, as a sourceless .pyc beside it.

    Compiled with docstrings and asserts left out (-OO: nothing here reads
    a docstring at run time, or relies on an assert) and without column
    positions (-X no_debug_ranges; tracebacks keep their line numbers), in
    unchecked-hash mode, so the files' times never matter. Together they
    keep the zip under 300 KB with its sources gone.
    """
    command = [sys.executable, "-X", "no_debug_ranges", "-m", "compileall", "-q", "-b"]
    command += ["-o", "2", "--invalidation-mode", "unchecked-hash", str(tree)]
    subprocess.run(command, check=True)
    for source in tree.rglob("*.py"):
        source.unlink()


def _needed_at_run_time(name: str) -> bool:
    compiled = "__pycache__/" in name or name.endswith(".pyc")
    unused = name.startswith(UNUSED_AT_RUN_TIME) or name.endswith(UNUSED_FILE_NAMES)
    base_name = name.rsplit("/", 1)[-1].upper()
    metadata = ".dist-info/" in name and not base_name.startswith(KEPT_METADATA)
    return not (compiled or unused or metadata or name.endswith("/"))


def _shipped_name(name: str) -> str:
    return name + "c" if name.endswith(".py") else name


def _info_for(original: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=original.date_time)
    info.external_attr = original.external_attr
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


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
