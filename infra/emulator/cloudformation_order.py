"""Make the emulator's CloudFormation wait for what a resource's UpdatePolicy names.

SAM gives the function's alias `live` an UpdatePolicy naming the CodeDeploy
application and deployment group (infra/releases.py). AWS orders resources by
every reference; the emulator's engine looks only at Properties and
DependsOn, so it may create the alias first and then fail it, unable to
resolve the deployment group "(yet)". This hook, which LocalStack runs as it
starts, adds the UpdatePolicy's references to each resource's dependencies.
It changes the order of creation only; CodeDeploy itself is not emulated.

It runs inside the emulator; INTERNALS lists what it uses, for the check in
tests/emulated/test_emulator_glue.py.
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
)


@hooks.on_infra_start()
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
