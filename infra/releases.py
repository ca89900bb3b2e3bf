"""Safe releases: each deploy publishes a version behind the alias `live`, and
CodeDeploy moves the alias to it in steps, rolling back on the alarms.

SAM does the publishing and the CodeDeploy wiring from two properties of the
function (AutoPublishAlias, DeploymentPreference). What SAM cannot do is point
Chalice's API at the alias: `chalice package` writes every integration, and
the permission to invoke, against the function itself, which would always run
the newest code and bypass the traffic shifting. invoke_alias() rewrites them
after Chalice has written the template.
"""

from typing import Any

ALIAS = "live"
ALIAS_VARIABLE = "LiveAliasArn"


def function_release_properties(deployment_type: str, rollback_alarms: list[str]) -> dict:
    """The function's AutoPublishAlias and the CodeDeploy shift that moves it."""
    return {
        "AutoPublishAlias": ALIAS,
        "DeploymentPreference": {
            "Type": deployment_type,
            "Alarms": [{"Ref": alarm} for alarm in rollback_alarms],
        },
    }


def invoke_alias(template: dict[str, Any], function: str, api: str) -> int:
    """Point every Lambda integration of `api`, and the permission to invoke, at the alias.

    SAM resolves a Ref to `<function>.Alias` to the alias's ARN; the URI
    takes it as a Fn::Sub variable. Returns how many integrations were
    rewritten; one that is not in the shape Chalice writes is an error rather
    than left behind, since it would bypass the alias.
    """
    function_arn = f"${{{function}.Arn}}"
    alias = {"Ref": f"{function}.Alias"}
    paths = template["Resources"][api]["Properties"]["DefinitionBody"]["paths"]
    integrations = [
        operation["x-amazon-apigateway-integration"]
        for methods in paths.values()
        for operation in methods.values()
        if operation.get("x-amazon-apigateway-integration", {}).get("type") == "aws_proxy"
    ]
    for integration in integrations:
        uri = integration["uri"].get("Fn::Sub")
        if not isinstance(uri, str) or function_arn not in uri:
            raise ValueError(f"unexpected integration URI {integration['uri']!r}")
        integration["uri"] = {
            "Fn::Sub": [
                uri.replace(function_arn, f"${{{ALIAS_VARIABLE}}}"),
                {ALIAS_VARIABLE: alias},
            ]
        }
    permission = template["Resources"][f"{function}InvokePermission"]["Properties"]
    if permission["FunctionName"] != {"Ref": function}:
        raise ValueError(f"unexpected permission to invoke {permission!r}")
    permission["FunctionName"] = alias
    return len(integrations)
