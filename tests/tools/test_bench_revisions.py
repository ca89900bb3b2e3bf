"""The before/after comparison's arithmetic and checks, without running either revision."""

from importlib.metadata import version
from pathlib import Path

from tools.bench.revisions import (
    Revision,
    alternate,
    common_routes,
    paired_ratio,
    pin_mismatches,
    pooled_median,
)
from tools.bench.warm import FLOOR_BARE


def test_the_ratio_is_taken_within_each_round_not_across_pooled_samples() -> None:
    # GIVEN a round where the before side ran slowly (the machine got busy),
    # and two where after took 1.5x the before of its own round
    before = [{"r": [10.0, 10.0]}, {"r": [30.0, 30.0]}, {"r": [30.0, 30.0]}]
    after = [{"r": [15.0, 15.0]}, {"r": [15.0, 15.0]}, {"r": [45.0, 45.0]}]

    # THEN pooled, after looks half of before; round by round it is 1.5x
    assert pooled_median(before, "r") / pooled_median(after, "r") == 2.0
    assert paired_ratio(before, after, "r") == 1.5


def test_each_round_uses_the_median_of_its_own_cycles() -> None:
    before = [{"r": [10.0, 10.0, 500.0]}]
    after = [{"r": [20.0, 20.0, 1.0]}]

    assert paired_ratio(before, after, "r") == 2.0


def test_the_side_that_goes_first_alternates_from_round_to_round() -> None:
    assert alternate(4) == [(0, 1), (1, 0), (0, 1), (1, 0)]


def test_only_routes_both_revisions_measured_are_compared_floors_first() -> None:
    before = Revision("before", "a", Path("a"), "t", rounds=[{"old only": [1.0], "b": [1.0]}])
    before.rounds[0][FLOOR_BARE] = [1.0]
    after = Revision("after", "b", Path("b"), "t", rounds=[{"b": [1.0], FLOOR_BARE: [1.0]}])
    after.rounds[0]["new only"] = [1.0]

    assert common_routes(before, after) == [FLOOR_BARE, "b"]


def test_a_revision_pinning_other_library_versions_than_installed_is_named(
    tmp_path: Path,
) -> None:
    # GIVEN a revision pinning an older PyJWT, the installed argon2 and Chalice,
    # and an older version of a test-only tool
    (tmp_path / "requirements.txt").write_text(
        f"# runtime\nPyJWT==0.0.1\nargon2-cffi=={version('argon2-cffi')}\n"
    )
    (tmp_path / "requirements-dev.txt").write_text(
        f"-r requirements.txt\nchalice=={version('chalice')}\nhypothesis==0.0.1\n"
    )

    # THEN only the runtime library is named: test-only tools do not change the figures
    assert pin_mismatches(tmp_path) == [f"PyJWT==0.0.1 (installed: {version('PyJWT')})"]
