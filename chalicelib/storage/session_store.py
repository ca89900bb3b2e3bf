"""Refresh-token families in DynamoDB, one item each: ``USER#<id>`` / ``SESSION#<family>``.

The item holds the digest of the family's one live token, and `expires_at`,
which DynamoDB's TTL uses to delete it: the sooner of the idle limit from
its last use and the absolute limit from its start. Rotating is one
transaction: the family moves to its next token only if it still holds the
one presented, and only if the account's sessions stand since the family
began. Two refreshes with the same token therefore have one winner, and
logging out everywhere, a password change or account deletion end every
family at once, through the account item.

An old token presented again is reuse, and ends its family. One exception:
the token the family moved on from, within RACE_GRACE_SECONDS of the move,
is only refused. That is two tabs refreshing at once, and ending the family
would log both out; a stolen token replayed in that window gains nothing,
since it is refused all the same.
"""

from dataclasses import dataclass

from chalicelib.platform.refresh_tokens import RefreshToken
from chalicelib.storage.dynamo import Cancelled, Table, n, s
from chalicelib.storage.user_keys import EXPIRES_AT, account_key, session_key

RACE_GRACE_SECONDS = 10


@dataclass(frozen=True)
class Lifetimes:
    idle_seconds: int
    absolute_seconds: int

    def expiry_ms(self, token: RefreshToken, now_ms: int) -> int:
        idle_end = now_ms + self.idle_seconds * 1000
        return min(idle_end, token.family_started + self.absolute_seconds * 1000)


class Refused(Exception):
    """The token cannot be used; `reused` when it is an old token of a live family."""

    def __init__(self, reused: bool = False) -> None:
        super().__init__("reused" if reused else "refused")
        self.reused = reused


class SessionStore:
    def __init__(self, table: Table, lifetimes: Lifetimes) -> None:
        self._table = table
        self.lifetimes = lifetimes

    def start(self, token: RefreshToken, now_ms: int) -> None:
        """Store a new family, holding its first token."""
        self._table.put_item(
            Item={
                **session_key(token.user_id, token.family_id),
                "token_digest": s(token.digest),
                "started": n(token.family_started),
                # In seconds, as DynamoDB's TTL reads it.
                EXPIRES_AT: n(self.lifetimes.expiry_ms(token, now_ms) // 1000),
            },
            ConditionExpression="attribute_not_exists(pk)",
        )

    def rotate(self, presented: RefreshToken, following: RefreshToken, now_ms: int) -> None:
        """Move the family from the presented token to the next, or raise Refused.

        A presented token that the family no longer holds is reuse: RFC 9700
        asks that the whole family then ends, so its legitimate holder must
        log in again.
        """
        if now_ms >= presented.family_started + self.lifetimes.absolute_seconds * 1000:
            raise Refused()
        now = now_ms // 1000
        move = {
            "TableName": self._table.name,
            "Key": session_key(presented.user_id, presented.family_id),
            "UpdateExpression": f"SET token_digest = :next, previous_digest = :presented, "
            f"rotated_at = :now, {EXPIRES_AT} = :expires",
            "ConditionExpression": f"token_digest = :presented AND {EXPIRES_AT} > :now",
            "ExpressionAttributeValues": {
                ":next": s(following.digest),
                ":presented": s(presented.digest),
                ":expires": n(self.lifetimes.expiry_ms(presented, now_ms) // 1000),
                ":now": n(now),
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        sessions_stand = {
            "TableName": self._table.name,
            "Key": account_key(presented.user_id),
            "ConditionExpression": "sessions_valid_from <= :started",
            "ExpressionAttributeValues": {":started": n(presented.family_started)},
        }
        try:
            self._table.transact(
                {"family": {"Update": move}, "account": {"ConditionCheck": sessions_stand}}
            )
        except Cancelled as cancelled:
            self._refuse(presented, cancelled, now)

    def end(self, token: RefreshToken) -> None:
        """End the token's family, if it has one; ending one twice is no error."""
        self._table.delete_item(Key=session_key(token.user_id, token.family_id))

    def _refuse(self, presented: RefreshToken, cancelled: Cancelled, now: int) -> None:
        family = cancelled.old_item("family") or {}
        live = EXPIRES_AT in family and int(family[EXPIRES_AT]["N"]) > now
        just_moved_on = family.get("previous_digest", {}).get("S") == presented.digest and (
            now - int(family.get("rotated_at", {"N": "0"})["N"]) < RACE_GRACE_SECONDS
        )
        reused = cancelled.failed("family") and live and not just_moved_on
        if reused or cancelled.failed("account"):
            self.end(presented)
        raise Refused(reused=reused)
