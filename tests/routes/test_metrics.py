"""Business metrics: each event writes one valid EMF line to the log stream, and
nothing else does."""

import json
import time
from collections import Counter
from collections.abc import Callable

import pytest
from chalice.test import Client

from chalicelib.platform import metrics
from tests.routes.conftest import post_json, send_json, sign_up
from tests.routes.emf import emf_problems
from tests.support.api import auth, bearer, credentials, v2_account
from tests.support.values import unique


def metric_lines(output: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def counted(output: str) -> Counter:
    """How many of each metric the log lines count, after checking each is valid EMF."""
    now_ms = int(time.time() * 1000)
    totals: Counter = Counter()
    for line in metric_lines(output):
        assert emf_problems(line, now_ms) == [], line
        for directive in line["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                totals[metric["Name"]] += line[metric["Name"]]
    return totals


def test_sign_ups_and_logins_are_counted_as_they_happen(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a user who signs up on v1 and another on v2
    name = sign_up(client)
    assert post_json(client, "/v2/users", v2_account(unique())).status_code == 201
    capsys.readouterr()
    # WHEN one logs in twice, with a wrong password once, and a stranger tries
    good = credentials(name)
    assert post_json(client, "/v1/auth/login", good).status_code == 200
    assert post_json(client, "/v2/auth/token", good).status_code == 200
    assert post_json(client, "/v1/auth/login", {**good, "password": "wrong!!!"}).status_code == 401
    assert post_json(client, "/v2/auth/token", {**good, "username": "nobody"}).status_code == 401
    # THEN two logins and two failed logins are counted, and no sign-up
    assert counted(capsys.readouterr().out) == {metrics.LOGINS: 2, metrics.FAILED_LOGINS: 2}


def test_a_sign_up_is_counted_once_and_a_refused_one_not_at_all(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    name = sign_up(client)
    again = {"name": name, "email": f"{unique()}@example.com", "password": "a long password"}
    assert post_json(client, "/v1/user/create", again).status_code == 409
    assert counted(capsys.readouterr().out) == {metrics.SIGN_UPS: 1}


def test_todos_created_are_counted_on_both_versions_but_a_repeated_v1_title_is_not(
    client: Client, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert client.http.post("/v1/item/create/washing", headers=auth(token)).status_code == 200
    assert client.http.post("/v1/item/create/washing", headers=auth(token)).status_code == 200
    reply = send_json(client, "POST", "/v2/todos", {"title": "cooking"}, bearer(token))
    assert reply.status_code == 201
    assert counted(capsys.readouterr().out) == {metrics.TODOS_CREATED: 2}


def test_a_create_refused_by_the_quota_is_counted_as_a_quota_rejection(
    client: Client,
    token: str,
    stage_settings: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    stage_settings(TODO_QUOTA="1")
    assert client.http.post("/v1/item/create/first", headers=auth(token)).status_code == 200
    capsys.readouterr()
    assert client.http.post("/v1/item/create/second", headers=auth(token)).status_code == 409
    reply = send_json(client, "POST", "/v2/todos", {"title": "third"}, bearer(token))
    assert reply.status_code == 409
    assert counted(capsys.readouterr().out) == {metrics.QUOTA_REJECTIONS: 2}


def test_reads_and_edits_count_nothing(
    client: Client, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client.http.post("/v1/item/create/washing", headers=auth(token))
    capsys.readouterr()
    client.http.get("/v1/item/get", headers=auth(token))
    send_json(client, "POST", "/v1/item/edit", {"title": "washing", "status": "x"}, auth(token))
    client.http.get("/v2/todos", headers=bearer(token))
    assert metric_lines(capsys.readouterr().out) == []


def test_a_metric_line_carries_the_stage_and_the_request_id(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    sign_up(client)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (metric,) = metric_lines("\n".join(json.dumps(line) for line in lines))
    (request,) = [line for line in lines if line.get("event") == "request"]
    assert metric["Stage"] == "local"
    assert metric["request_id"] == request["request_id"]
    (directive,) = metric["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == metrics.NAMESPACE
    assert directive["Dimensions"] == [["Stage"]]


def with_directive(**directive: object) -> dict:
    return {"_aws": {"Timestamp": 0, "CloudWatchMetrics": [directive]}}


@pytest.mark.parametrize(
    ("broken", "complaint"),
    [
        ({"SignUps": 1}, "'_aws' is a required property"),
        ({"_aws": {"CloudWatchMetrics": []}}, "'Timestamp' is a required property"),
        ({"_aws": {"Timestamp": "now", "CloudWatchMetrics": []}}, "is not of type 'number'"),
        (with_directive(Namespace="N", Metrics=[]), "'Dimensions' is a required property"),
        (
            with_directive(Namespace="AWS/Lambda", Dimensions=[], Metrics=[{"Name": "x"}]),
            "does not match",
        ),
        (
            with_directive(Namespace="N", Dimensions=[], Metrics=[{"Name": "x", "Unit": "n"}]),
            "is not one of",
        ),
        (
            with_directive(Namespace="N", Dimensions=[[":Stage"]], Metrics=[{"Name": "x"}]),
            "does not match",
        ),
    ],
)
def test_the_checker_refuses_documents_that_break_the_schema(broken: dict, complaint: str) -> None:
    problems = emf_problems(broken, now_ms=0)
    assert any(complaint in problem for problem in problems), problems


def test_the_checker_refuses_names_missing_from_the_root_and_old_timestamps() -> None:
    now_ms = int(time.time() * 1000)
    document = metrics.emf_members(metrics.SIGN_UPS, 1, now_ms / 1000)
    assert emf_problems(document, now_ms) == []
    assert emf_problems({**document, "Stage": 7}, now_ms) == [
        "dimension 'Stage' is not a string member of the root"
    ]
    assert emf_problems({**document, "SignUps": "1"}, now_ms) == [
        "metric 'SignUps' has no numeric member in the root"
    ]
    stale = metrics.emf_members(metrics.SIGN_UPS, 1, now_ms / 1000 - 15 * 24 * 3600)
    assert "too far from now" in emf_problems(stale, now_ms)[0]


def test_an_unknown_metric_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.emf_members("Signups", 1, time.time())


def test_a_refresh_is_counted_and_a_refused_one_is_not(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    name = unique()
    assert post_json(client, "/v2/users", v2_account(name)).status_code == 201
    refresh_token = post_json(client, "/v2/auth/token", credentials(name)).json_body[
        "refresh_token"
    ]
    capsys.readouterr()
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    assert post_json(client, "/v2/auth/token", body).status_code == 200
    refused = {"grant_type": "refresh_token", "refresh_token": "not a refresh token"}
    assert post_json(client, "/v2/auth/token", refused).status_code == 401
    assert counted(capsys.readouterr().out) == {metrics.REFRESHES: 1}
