"""Run by the cold-start benchmark as Lambda's runtime runs a function, in a fresh `python -I -S`.

`python -I -S cold_child.py <task root> <runtime libraries> <handler> <event JSON>`
puts the unpacked zip and the runtime's boto3 on the path, imports the
handler, answers the event, and prints RESULT_PREFIX and a JSON line as
soon as the first response exists. Standard library only: with -I -S the
interpreter sees nothing but those two folders.
"""

import json
import sys
import time
from types import SimpleNamespace

RESULT_PREFIX = "COLD-START-RESULT "


def main(argv: list[str]) -> None:
    task_root, runtime_libraries, handler_path, event_json = argv[:4]
    sys.path[:0] = [task_root, runtime_libraries]
    event = json.loads(event_json)
    before = set(sys.modules)
    started = time.perf_counter()
    module_name, attribute = handler_path.rsplit(".", 1)
    handler = getattr(__import__(module_name), attribute)
    imported = time.perf_counter()
    context = SimpleNamespace(
        aws_request_id="cold-start",
        function_name="todo-service-perf",
        memory_limit_in_mb=512,
        get_remaining_time_in_millis=lambda: 20_000,
    )
    response = handler(event, context)
    answered = time.perf_counter()
    cpu = time.process_time()  # since the process began, start-up included; exit is not
    result = {
        "status": response["statusCode"],
        "import_s": imported - started,
        "first_call_s": answered - imported,
        "cpu_s": cpu,
        "modules": sorted(set(sys.modules) - before),
        "origins": {
            name: getattr(sys.modules.get(name), "__file__", None) for name in ("app", "botocore")
        },
    }
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
