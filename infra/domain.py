"""An optional custom domain for the API, from three stack parameters.

With DomainName and CertificateArn set, the stack creates a regional API
Gateway domain mapped to the stage at the root, so clients of the domain
call `/v1/...` with no `/api` prefix. With HostedZoneId set too, it creates
the Route 53 alias record; without it, point DNS at the DomainTarget output.
All empty (the default), none of it exists.
"""

from typing import Any

DOMAIN_NAME = "DomainName"
CERTIFICATE_ARN = "CertificateArn"
HOSTED_ZONE_ID = "HostedZoneId"
HAS_DOMAIN = "HasCustomDomain"
HAS_DNS_RECORD = "HasDnsRecord"

API_DOMAIN = "ApiDomainName"
BASE_PATH_MAPPING = "ApiBasePathMapping"
DNS_RECORD = "ApiDnsRecord"


def parameters() -> dict[str, Any]:
    return {
        DOMAIN_NAME: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
            "ConstraintDescription": "a lower-case DNS name such as api.example.com, or empty",
            "Description": "Custom domain for the API (e.g. api.example.com); empty for none",
        },
        CERTIFICATE_ARN: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[a-f0-9-]+$",
            "ConstraintDescription": "an ACM certificate ARN in the stack's region, or empty",
            "Description": "ACM certificate for DomainName, in the stack's region",
        },
        HOSTED_ZONE_ID: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^Z[A-Z0-9]{1,31}$",
            "ConstraintDescription": "a Route 53 hosted zone id (Z, letters, digits), or empty",
            "Description": "Route 53 hosted zone for DomainName's record; empty for DNS elsewhere",
        },
    }


def _is_set(parameter: str) -> dict[str, Any]:
    return {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]}


def conditions() -> dict[str, Any]:
    return {
        HAS_DOMAIN: _is_set(DOMAIN_NAME),
        HAS_DNS_RECORD: {"Fn::And": [{"Condition": HAS_DOMAIN}, _is_set(HOSTED_ZONE_ID)]},
    }


def rules() -> dict[str, Any]:
    """Checked by CloudFormation before it changes anything."""
    return {
        "DomainNeedsCertificate": {
            "RuleCondition": _is_set(DOMAIN_NAME),
            "Assertions": [
                {
                    "Assert": _is_set(CERTIFICATE_ARN),
                    "AssertDescription": "DomainName needs CertificateArn",
                }
            ],
        },
        "DomainPartsNeedDomainName": {
            "RuleCondition": {"Fn::Or": [_is_set(CERTIFICATE_ARN), _is_set(HOSTED_ZONE_ID)]},
            "Assertions": [
                {
                    "Assert": _is_set(DOMAIN_NAME),
                    "AssertDescription": "CertificateArn and HostedZoneId need DomainName",
                }
            ],
        },
    }


def resources(api: str) -> dict[str, Any]:
    return {
        API_DOMAIN: {
            "Type": "AWS::ApiGateway::DomainName",
            "Condition": HAS_DOMAIN,
            "Properties": {
                "DomainName": {"Ref": DOMAIN_NAME},
                "RegionalCertificateArn": {"Ref": CERTIFICATE_ARN},
                "EndpointConfiguration": {"Types": ["REGIONAL"]},
                "SecurityPolicy": "TLS_1_2",
            },
        },
        # No BasePath: the stage sits at the domain's root.
        BASE_PATH_MAPPING: {
            "Type": "AWS::ApiGateway::BasePathMapping",
            "Condition": HAS_DOMAIN,
            "Properties": {
                "DomainName": {"Ref": API_DOMAIN},
                "RestApiId": {"Ref": api},
                "Stage": {"Ref": f"{api}.Stage"},
            },
        },
        DNS_RECORD: {
            "Type": "AWS::Route53::RecordSet",
            "Condition": HAS_DNS_RECORD,
            "Properties": {
                "HostedZoneId": {"Ref": HOSTED_ZONE_ID},
                "Name": {"Ref": DOMAIN_NAME},
                "Type": "A",
                "AliasTarget": {
                    "DNSName": {"Fn::GetAtt": [API_DOMAIN, "RegionalDomainName"]},
                    "HostedZoneId": {"Fn::GetAtt": [API_DOMAIN, "RegionalHostedZoneId"]},
                    "EvaluateTargetHealth": False,
                },
            },
        },
    }


def outputs() -> dict[str, Any]:
    return {
        "DomainURL": {
            "Condition": HAS_DOMAIN,
            "Description": "The API on the custom domain, without the /api prefix",
            "Value": {"Fn::Sub": "https://${DomainName}/"},
        },
        "DomainTarget": {
            "Condition": HAS_DOMAIN,
            "Description": "Where DomainName's DNS record must point (a CNAME or an alias)",
            "Value": {"Fn::GetAtt": [API_DOMAIN, "RegionalDomainName"]},
        },
    }
