"""Run in a fresh interpreter by the cold-start benchmark: import an app, answer one request.

`python -m tools.bench.cold_child app|floor <id> <token> [--hide-cryptography]`
prints RESULT_PREFIX and a JSON line as soon as the first response exists.
Only the standard library and tools.bench.events are imported before the app.
"""

import json
import sys
import time

from tools.bench.events import api_event, bearer, lambda_context

RESULT_PREFIX = "COLD-START-RESULT "


class HiddenPackage:
    """A meta path finder that makes a package unimportable, as it is in deployment.zip."""

    def __init__(self, name: str) -> None:
        self._name = name

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == self._name or fullname.startswith(self._name + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


def main(argv: list[str]) -> None:
    which, item_id, token = argv[:3]
    if "--hide-cryptography" in argv:
        sys.meta_path.insert(0, HiddenPackage("cryptography"))
    before = set(sys.modules)
    started = time.perf_counter()
    if which == "floor":
        from tools.bench.floor import app

        resource, params, headers = "/floor/items/{item_id}", {"item_id": item_id}, {}
        path = f"/floor/items/{item_id}"
    else:
        from app import app

        resource, params, headers = "/v2/todos/{todo_id}", {"todo_id": item_id}, bearer(token)
        path = f"/v2/todos/{item_id}"
    imported = time.perf_counter()
    event = api_event("GET", resource, path, path_params=params, headers=headers)
    response = app(event, lambda_context())
    answered = time.perf_counter()
    result = {
        "status": response["statusCode"],
        "import_s": imported - started,
        "first_call_s": answered - imported,
        "modules": sorted(set(sys.modules) - before),
    }
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
