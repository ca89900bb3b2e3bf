"""The packaged stack deployed to an emulated AWS on this machine (`make emulate`).

Everything that makes the emulation work lives in this folder:

- requirements.in, requirements.lock: LocalStack's community core and the
  aws CLI, every version pinned with its hashes. LocalStack needs Python 3.13
  or newer, so it gets a virtualenv of its own (.local/emulator-venv), apart
  from the project's; the lock was compiled with a resolver told to ignore
  releases newer than LocalStack's own (see the lock's header), because its
  unpinned dependencies have since broken it.
- control.py: installs on first use, starts the emulator on loopback with a
  private state folder (out/emulator/), waits for it to be healthy, stops it.
  It runs in the project's venv.
- executor.py: a LocalStack plugin, loaded inside the emulator, that runs a
  Lambda function as a local process instead of a Docker container.
- lambda_runtime.py: what that process runs, with only the standard library:
  it loads the handler from the unzipped deployment.zip and speaks the
  emulator's invoke, response and error callbacks.
- NoopAgent.java: the emulator starts DynamoDB Local with a Java agent that it
  would download; this stand-in does nothing, and DynamoDB Local itself is
  Amazon's jar that infra/dynamodb_local.py already fetches from npm.
"""
