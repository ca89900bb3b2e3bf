"""Two behaviours of AWS CloudFormation that the emulator's engine lacks, for this template.

The emulator runs its legacy CloudFormation engine (control.py says why).
Against this template it differs from AWS in two ways, which this start-up
hook (LocalStack runs it as it starts) corrects:

- Order. SAM gives the function's alias `live` an UpdatePolicy naming the
  CodeDeploy application and deployment group (infra/releases.py). AWS orders
  resources by every reference; the engine only by Properties and DependsOn,
  so it may create the alias first and fail it, unable to resolve the
  deployment group "(yet)". The UpdatePolicy's references become
  dependencies too. (CodeDeploy itself is not emulated: its resources are
  placeholders, and no traffic shift happens.)
- DeletionPolicy. The engine deletes every resource with its stack; AWS keeps
  those whose DeletionPolicy is Retain, as the table's is (infra/template.py).
  Deleting such a resource now leaves it in place, as on AWS.

INTERNALS lists what is used, for tests/emulated/test_emulator_glue.py.
"""

from localstack.runtime import hooks

INTERNALS = (
    ("localstack.runtime.hooks", ("on_infra_start",)),
    (
        "localstack.services.cloudformation.engine.template_utils",
        ("get_deps_for_resource", "resolve_dependencies"),
    ),
    ("localstack.services.cloudformation.engine.template_deployer", ("get_deps_for_resource",)),
    ("localstack.services.cloudformation.engine.resource_ordering", ("get_deps_for_resource",)),
    ("localstack.services.cloudformation.resource_provider", ("ResourceProviderExecutor",)),
    ("localstack.services.cloudformation.resource_provider", ("ProgressEvent", "OperationStatus")),
)
RETAINED = ("Retain", "RetainExceptOnCreate")


@hooks.on_infra_start()
def match_aws_cloudformation() -> None:
    order_by_update_policy_references()
    retain_on_delete()


def order_by_update_policy_references() -> None:
    from localstack.services.cloudformation.engine import (
        resource_ordering,
        template_deployer,
        template_utils,
    )

    dependencies = template_utils.get_deps_for_resource
    if getattr(dependencies, "counts_update_policy", False):
        return

    def with_update_policy(resource: dict, evaluated_conditions: dict) -> set[str]:
        update_policy = resource.get("UpdatePolicy", {})
        named = template_utils.resolve_dependencies(update_policy, evaluated_conditions)
        return dependencies(resource, evaluated_conditions) | named

    with_update_policy.counts_update_policy = True
    for module in (template_utils, template_deployer, resource_ordering):
        module.get_deps_for_resource = with_update_policy


def retain_on_delete() -> None:
    from localstack.services.cloudformation.resource_provider import (
        OperationStatus,
        ProgressEvent,
        ResourceProviderExecutor,
    )

    deploy_loop = ResourceProviderExecutor.deploy_loop
    if getattr(deploy_loop, "retains", False):
        return

    def unless_retained(self, resource_provider, resource: dict, raw_payload, *args, **kwargs):
        if raw_payload["action"] == "Remove" and resource.get("DeletionPolicy") in RETAINED:
            return ProgressEvent(OperationStatus.SUCCESS, resource_model={})
        return deploy_loop(self, resource_provider, resource, raw_payload, *args, **kwargs)

    unless_retained.retains = True
    ResourceProviderExecutor.deploy_loop = unless_retained
