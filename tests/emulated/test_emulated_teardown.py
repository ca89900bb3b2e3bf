"""`make destroy` deletes the stack and keeps the table with its data; deploying
again then fails while that table exists, as docs/DEPLOY.md says (Teardown).

This module destroys the suite's stack, so it sorts last of tests/emulated.
"""

import pytest
from botocore.exceptions import ClientError

from tests.emulated.conftest import STACK, EmulatedStack


def test_destroy_keeps_the_table_and_a_redeploy_then_fails_saying_why(
    emulated: EmulatedStack,
) -> None:
    table = emulated.output("TableName")
    dynamodb = emulated.aws("dynamodb")
    items_before = dynamodb.scan(TableName=table, Select="COUNT")["Count"]

    destroyed = emulated.emulator.run_stack("destroy", "dev", emulated.out_dir, capture=True)

    assert destroyed.returncode == 0, destroyed.stdout
    assert f"The DynamoDB table {table} was RETAINED" in destroyed.stdout
    with pytest.raises(ClientError, match="does not exist"):
        emulated.aws("cloudformation").describe_stacks(StackName=STACK)
    assert items_before > 0
    assert dynamodb.scan(TableName=table, Select="COUNT")["Count"] == items_before

    redeployed = emulated.emulator.run_stack("deploy", "dev", emulated.out_dir, capture=True)

    assert redeployed.returncode != 0
    assert f"make deploy: the table {table}, kept by an earlier make destroy, still exists" in (
        redeployed.stdout
    ), redeployed.stdout[-3000:]
