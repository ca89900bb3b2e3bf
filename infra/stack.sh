#!/usr/bin/env bash
# `make deploy|destroy|url|logs|rotate-secret STAGE=<stage>`: the only steps that call AWS.
# Each checks for the aws CLI, a region and working credentials before anything else,
# so that without them it stops at once with a message saying what is missing.
set -euo pipefail

action=${1:-}
stage=${2:-}
shift $(($# < 2 ? $# : 2))
cd "$(dirname "$0")/.."
out_dir="${OUT:-out}/$stage"
stages=$(python3 -c 'import json; print(" ".join(sorted(json.load(open("infra/stages.json")))))')

die() {
    echo "make ${MAKE_TARGET:-$action}: $*" >&2
    exit 1
}

usage() {
    echo "usage: make deploy|destroy|url|logs|rotate-secret STAGE=<stage>; stages: $stages" >&2
    exit 2
}

preflight() {
    command -v aws >/dev/null 2>&1 \
        || die "the aws CLI is not installed (or not on PATH). Install AWS CLI v2 as docs/DEPLOY.md describes, then configure credentials."
    region=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}
    [ -n "$region" ] \
        || die "no AWS region is configured. Set AWS_REGION, or run: aws configure set region <region>"
    local identity
    identity=$(aws sts get-caller-identity --query Account --output text \
        --cli-connect-timeout 5 --cli-read-timeout 10 2>&1) \
        || die "no usable AWS credentials (aws sts get-caller-identity failed: ${identity//$'\n'/ }). Run 'aws configure' or 'aws sso login', or set AWS_PROFILE; see docs/DEPLOY.md."
    account=$identity
    stack="todo-service-$stage"
    echo "Account $account, region $region, stack $stack" >&2
}

stack_output() {
    aws cloudformation describe-stacks --stack-name "$stack" --region "$region" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

# The stack's optional parameters, from make's variables of the same meaning. Only
# those given are passed: CloudFormation keeps the previous value of any other.
parameter_overrides() {
    local variable parameter
    overrides=()
    for pair in ALARM_EMAIL=AlarmEmail DOMAIN_NAME=DomainName CERTIFICATE_ARN=CertificateArn \
        HOSTED_ZONE_ID=HostedZoneId AUTH_RATE_LIMIT=AuthRateLimit; do
        variable=${pair%%=*}
        parameter=${pair#*=}
        if [ -n "${!variable+set}" ]; then
            overrides+=("$parameter=${!variable}")
        fi
    done
}

# The URL clients use: the custom domain's when the stack has one, else API Gateway's.
base_url() {
    local domain endpoint
    domain=$(stack_output DomainURL 2>/dev/null) || die "there is no stack $stack in $region; deploy it first (make deploy STAGE=$stage)."
    if [ -n "$domain" ] && [ "$domain" != "None" ]; then
        echo "$domain"
        return
    fi
    endpoint=$(stack_output EndpointURL)
    [ -n "$endpoint" ] && [ "$endpoint" != "None" ] || die "stack $stack has no EndpointURL output."
    echo "$endpoint"
}

# make destroy keeps the table (DeletionPolicy Retain), and a new stack cannot create
# another of the same name (infra/template.py names it <stack>-todos): say so now,
# rather than after a failed create and its rollback.
refuse_retained_table() {
    local table="$stack-todos"
    if aws cloudformation describe-stacks --stack-name "$stack" --region "$region" >/dev/null 2>&1; then
        return
    fi
    if aws dynamodb describe-table --table-name "$table" --region "$region" >/dev/null 2>&1; then
        die "the table $table, kept by an earlier make destroy, still exists, and a new stack $stack cannot create it again. Delete it, or import it into the stack: docs/DEPLOY.md, Teardown."
    fi
}

deploy() {
    preflight
    refuse_retained_table
    make --no-print-directory package STAGE="$stage" OUT="${OUT:-out}"
    local bucket=${DEPLOY_BUCKET:-todo-service-artifacts-$account-$region}
    if ! aws s3api head-bucket --bucket "$bucket" --region "$region" >/dev/null 2>&1; then
        echo "Creating the artifact bucket s3://$bucket"
        aws s3 mb "s3://$bucket" --region "$region"
    fi
    aws cloudformation package --region "$region" --use-json \
        --template-file "$out_dir/sam.json" \
        --s3-bucket "$bucket" --s3-prefix "$stack" \
        --output-template-file "$out_dir/packaged.json"
    parameter_overrides
    aws cloudformation deploy --region "$region" \
        --template-file "$out_dir/packaged.json" \
        --stack-name "$stack" \
        --s3-bucket "$bucket" --s3-prefix "$stack" \
        --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
        --tags "app=todo-service" "stage=$stage" \
        ${overrides[@]+--parameter-overrides "${overrides[@]}"} \
        --no-fail-on-empty-changeset
    echo
    echo "API URL: $(stack_output EndpointURL)"
    local domain
    domain=$(stack_output DomainURL)
    if [ -n "$domain" ] && [ "$domain" != "None" ]; then
        echo "Domain URL: $domain (DNS target: $(stack_output DomainTarget))"
    fi
}

url() {
    preflight
    base_url
}

logs() {
    preflight
    local group
    group=$(stack_output LogGroupName 2>/dev/null) || die "there is no stack $stack in $region; deploy it first (make deploy STAGE=$stage)."
    echo "Following $group (Ctrl-C stops)" >&2
    exec aws logs tail "$group" --region "$region" --follow --format short "$@"
}

# A new signing key, generated by Secrets Manager with the stack's own parameters
# (infra/template.py: 64 letters and digits), put into the stack's secret. Secrets
# Manager labels it AWSCURRENT and the key before it AWSPREVIOUS, the two the
# service verifies with. The value is checked before anything is written, and
# travels in a variable and a pipe, never in a command's arguments.
rotate_secret() {
    preflight
    local secret value version
    secret=$(stack_output SigningSecretArn 2>/dev/null) || die "there is no stack $stack in $region; deploy it first (make deploy STAGE=$stage)."
    [ -n "$secret" ] && [ "$secret" != "None" ] || die "stack $stack has no SigningSecretArn output."
    value=$(aws secretsmanager get-random-password --region "$region" \
        --password-length 64 --exclude-punctuation --query RandomPassword --output text) \
        || die "Secrets Manager generated no new key; the secret is unchanged."
    [[ $value =~ ^[A-Za-z0-9]{64}$ ]] || die "the generated key is not 64 letters and digits; the secret is unchanged."
    version=$(printf '%s' "$value" | aws secretsmanager put-secret-value --region "$region" \
        --secret-id "$secret" --secret-string file:///dev/stdin --query VersionId --output text) \
        || die "the new key could not be stored; the secret is unchanged."
    echo "Rotated $secret: version $version is now AWSCURRENT, the one before it AWSPREVIOUS."
    echo "Containers sign with the new key within 5 minutes; tokens signed with the previous"
    echo "one keep working until they expire. Rotate again no sooner than 65 minutes from now,"
    echo "or tokens of the key before the previous one are refused (docs/DEPLOY.md)."
}

destroy() {
    preflight
    local table
    table=$(stack_output TableName 2>/dev/null) || die "there is no stack $stack in $region; nothing to destroy."
    echo "Deleting stack $stack (the function, the API, the role, the log group and the secret)..."
    aws cloudformation delete-stack --stack-name "$stack" --region "$region"
    aws cloudformation wait stack-delete-complete --stack-name "$stack" --region "$region"
    echo
    echo "Stack $stack is deleted. The DynamoDB table $table was RETAINED, with its data:"
    echo "it has DeletionPolicy Retain and deletion protection, and it still costs its storage."
    echo "To delete it for good (this cannot be undone):"
    echo "  aws dynamodb update-table --region $region --table-name $table --no-deletion-protection-enabled"
    echo "  aws dynamodb delete-table --region $region --table-name $table"
}

case "$stage" in
    "") usage ;;
    *) [[ " $stages " == *" $stage "* ]] || usage ;;
esac
case "$action" in
    deploy) deploy ;;
    destroy) destroy ;;
    url) url ;;
    logs) logs "$@" ;;
    rotate-secret) rotate_secret ;;
    *) usage ;;
esac
