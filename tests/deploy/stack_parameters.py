"""The template as CloudFormation sees it for one set of parameter values.

cfn-lint reads a template with conditions unresolved. To lint each
combination of the optional parameters as it would be deployed, `resolve_for`
evaluates the conditions for the given values, drops what they exclude, and
sets each parameter's default to its value. It understands the intrinsic
functions the template's conditions and rules use: Fn::Equals, Fn::Not,
Fn::And, Fn::Or, Condition and Ref to a parameter.
"""

import copy
import itertools
from typing import Any

EMAIL = {"AlarmEmail": "ops@example.com"}
CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-4567-489a-bcde-0123456789ab"
DOMAIN = {"DomainName": "api.example.com", "CertificateArn": CERTIFICATE}
ZONE = {"HostedZoneId": "Z0123456789ABCDEFGHIJ"}
DOMAIN_CHOICES = {
    "no domain": {},
    "domain, DNS elsewhere": DOMAIN,
    "domain and zone": DOMAIN | ZONE,
}
EMAIL_CHOICES = {"no email": {}, "email": EMAIL}
RATE_LIMIT = {"AuthRateLimit": "100"}
RATE_LIMIT_CHOICES = {"no rate limit": {}, "rate limit": RATE_LIMIT}
COMBINATIONS = {
    ", ".join(name for name, _ in choices): {
        parameter: value for _, values in choices for parameter, value in values.items()
    }
    for choices in itertools.product(
        EMAIL_CHOICES.items(), DOMAIN_CHOICES.items(), RATE_LIMIT_CHOICES.items()
    )
}


def evaluate(expression: Any, values: dict[str, str], conditions: dict[str, Any]) -> Any:
    if not isinstance(expression, dict):
        return expression
    ((function, argument),) = expression.items()
    if function == "Ref":
        return values[argument]
    if function == "Condition":
        return evaluate(conditions[argument], values, conditions)
    if function == "Fn::Equals":
        left, right = (evaluate(a, values, conditions) for a in argument)
        return left == right
    if function == "Fn::Not":
        return not evaluate(argument[0], values, conditions)
    if function == "Fn::And":
        return all(evaluate(a, values, conditions) for a in argument)
    if function == "Fn::Or":
        return any(evaluate(a, values, conditions) for a in argument)
    raise ValueError(f"cannot evaluate {function}")


def parameter_values(template: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    unknown = set(given) - set(template["Parameters"])
    assert not unknown, unknown
    return {name: given.get(name, p.get("Default")) for name, p in template["Parameters"].items()}


def condition_values(template: dict[str, Any], given: dict[str, str]) -> dict[str, bool]:
    values = parameter_values(template, given)
    conditions = template.get("Conditions", {})
    return {name: bool(evaluate(c, values, conditions)) for name, c in conditions.items()}


def failed_rules(template: dict[str, Any], given: dict[str, str]) -> list[str]:
    """The AssertDescription of every rule assertion these values break."""
    values = parameter_values(template, given)
    failed = []
    for rule in template.get("Rules", {}).values():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, {}):
            continue
        failed += [
            a["AssertDescription"]
            for a in rule["Assertions"]
            if not evaluate(a["Assert"], values, {})
        ]
    return failed


def resolve_for(template: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """The template with its conditions applied for `given` and its defaults set to it."""
    resolved = copy.deepcopy(template)
    holds = condition_values(template, given)
    for section in ("Resources", "Outputs"):
        for name, entry in list(resolved.get(section, {}).items()):
            condition = entry.pop("Condition", None)
            if condition is not None and not holds[condition]:
                del resolved[section][name]
    resolved.pop("Conditions", None)
    for name, value in parameter_values(template, given).items():
        resolved["Parameters"][name]["Default"] = value
    return resolved
