"""Administration of teams and users through the API: what an admin may do, that nobody
else may, every validation rule, versions, the last administrator, and the history."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import HistoryAction, Role
from tests import factories

pytestmark = pytest.mark.date_sensitive

TEAM_FIELDS = """
fragment TeamFields on Team { id name description color version archivedAt }
"""

USER_FIELDS = """
fragment UserFields on User {
  id email name role weeklyCapacityHours version archivedAt teams { name }
}
"""

READ_TEAM = (
    """
query ReadTeam($id: ID!) { node(id: $id) { ...TeamFields } }
"""
    + TEAM_FIELDS
)

READ_USER = (
    """
query ReadUser($id: ID!) { node(id: $id) { ...UserFields } }
"""
    + USER_FIELDS
)

COUNT_TEAMS = """
query CountTeams { teams(filter: {includeArchived: true}) { totalCount } }
"""

COUNT_USERS = """
query CountUsers { users(filter: {includeArchived: true}) { totalCount } }
"""

READ_HISTORY = """
query ReadHistory($id: ID!) {
  node(id: $id) {
    history { nodes { action actor { name } changes { field before after } } }
  }
}
"""

ME = "query Me { teams { totalCount } }"


def mutation(name: str, input_type: str, payload: str, fragment: str) -> str:
    return (
        f"""
mutation {name[0].upper()}{name[1:]}($input: {input_type}!) {{
  {name}(input: $input) {{
    {payload} {{ ...{payload.capitalize()}Fields }}
    userErrors {{ field code message }}
  }}
}}
"""
        + fragment
    )


TEAM_CREATE = mutation("teamCreate", "TeamCreateInput", "team", TEAM_FIELDS)
TEAM_UPDATE = mutation("teamUpdate", "TeamUpdateInput", "team", TEAM_FIELDS)
TEAM_ARCHIVE = mutation("teamArchive", "TeamArchiveInput", "team", TEAM_FIELDS)
USER_CREATE = mutation("userCreate", "UserCreateInput", "user", USER_FIELDS)
USER_UPDATE = mutation("userUpdate", "UserUpdateInput", "user", USER_FIELDS)
USER_ARCHIVE = mutation("userArchive", "UserArchiveInput", "user", USER_FIELDS)


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """Two teams, an editor of one of them, and a viewer."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth", description="Demand", color="#112233")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(
        teams=[o.growth], role=Role.EDITOR, name="Gina", email="gina@example.com"
    )
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    return o


async def read(gql, query: str, row) -> dict:
    return (await gql.data(query, {"id": gid(row)}))["node"]


async def team_count(gql) -> int:
    return (await gql.data(COUNT_TEAMS))["teams"]["totalCount"]


async def history(gql, global_id: str) -> list[dict]:
    return (await gql.data(READ_HISTORY, {"id": global_id}))["node"]["history"]["nodes"]


def codes(payload: dict) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


# teamCreate


async def test_admin_creates_a_team(gql, org):
    # given
    new_team = {"name": "  Brand ", "description": "Voice and look", "color": "#A1B2C3"}

    # when
    payload = await gql.mutate(TEAM_CREATE, new_team, "teamCreate")

    # then
    assert payload["userErrors"] == []
    created = payload["team"]
    expected = {
        "id": created["id"],
        "name": "Brand",
        "description": "Voice and look",
        "color": "#a1b2c3",
        "version": 1,
        "archivedAt": None,
    }
    assert created == expected
    assert (await gql.data(READ_TEAM, {"id": created["id"]}))["node"] == expected
    assert await history(gql, created["id"]) == [
        {
            "action": "CREATED",
            "actor": {"name": "Test Admin"},
            "changes": [
                {"field": "name", "before": None, "after": "Brand"},
                {"field": "description", "before": None, "after": "Voice and look"},
                {"field": "color", "before": None, "after": "#a1b2c3"},
            ],
        }
    ]


async def test_a_team_created_without_a_colour_gets_the_default(gql, org):
    # when
    payload = await gql.mutate(TEAM_CREATE, {"name": "Product"}, "teamCreate")

    # then
    assert payload["userErrors"] == []
    assert (payload["team"]["color"], payload["team"]["description"]) == ("#4f6bed", "")


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_creates_teams(gql, org, who):
    # given
    someone = gql.as_user(getattr(org, who))

    # when
    error = await someone.error(TEAM_CREATE, {"input": {"name": "Shadow IT"}})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await team_count(gql) == 2


@pytest.mark.parametrize(
    ("team_input", "expected"),
    [
        ({"name": "   "}, [("name", "REQUIRED")]),
        ({"name": "x" * 121}, [("name", "TOO_LONG")]),
        ({"name": "gROWTH"}, [("name", "DUPLICATE")]),
        ({"name": "Ops", "description": "d" * 10_001}, [("description", "TOO_LONG")]),
        ({"name": "Ops", "color": "red"}, [("color", "INVALID")]),
        ({"name": "Ops", "color": "#12345g"}, [("color", "INVALID")]),
        ({"name": "", "color": "#123"}, [("name", "REQUIRED"), ("color", "INVALID")]),
    ],
)
async def test_team_create_validation(gql, org, team_input, expected):
    # when
    payload = await gql.mutate(TEAM_CREATE, team_input, "teamCreate")

    # then
    assert payload["team"] is None
    assert codes(payload) == expected
    assert await team_count(gql) == 2


# teamUpdate


async def test_admin_updates_a_team(gql, org):
    # when
    payload = await gql.mutate(
        TEAM_UPDATE,
        {"id": gid(org.growth), "version": 1, "name": "Demand gen", "color": "#445566"},
        "teamUpdate",
    )

    # then
    assert payload["userErrors"] == []
    expected = {
        "id": gid(org.growth),
        "name": "Demand gen",
        "description": "Demand",
        "color": "#445566",
        "version": 2,
        "archivedAt": None,
    }
    assert payload["team"] == expected
    assert await read(gql, READ_TEAM, org.growth) == expected
    assert (await history(gql, gid(org.growth)))[-1] == {
        "action": "UPDATED",
        "actor": {"name": "Test Admin"},
        "changes": [
            {"field": "name", "before": "Growth", "after": "Demand gen"},
            {"field": "color", "before": "#112233", "after": "#445566"},
        ],
    }


async def test_a_team_keeps_its_name_in_another_case(gql, org):
    # when
    payload = await gql.mutate(
        TEAM_UPDATE, {"id": gid(org.growth), "version": 1, "name": "GROWTH"}, "teamUpdate"
    )

    # then
    assert payload["userErrors"] == []
    assert payload["team"]["name"] == "GROWTH"


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_updates_teams(gql, org, who):
    # given: the editor is even a member of the team
    someone = gql.as_user(getattr(org, who))
    before = await read(gql, READ_TEAM, org.growth)

    # when
    error = await someone.error(
        TEAM_UPDATE, {"input": {"id": gid(org.growth), "version": 1, "name": "Mine"}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read(gql, READ_TEAM, org.growth) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "Sales"}, [("name", "DUPLICATE")]),
        ({"name": None}, [("name", "REQUIRED")]),
        ({"color": None}, [("color", "REQUIRED")]),
        (
            {"color": "#GGGGGG", "description": "d" * 10_001},
            [("description", "TOO_LONG"), ("color", "INVALID")],
        ),
    ],
)
async def test_team_update_validation(gql, org, changes, expected):
    # given
    before = await read(gql, READ_TEAM, org.growth)

    # when
    payload = await gql.mutate(
        TEAM_UPDATE, {"id": gid(org.growth), "version": 1, **changes}, "teamUpdate"
    )

    # then
    assert payload["team"] is None
    assert codes(payload) == expected
    assert await read(gql, READ_TEAM, org.growth) == before


async def test_team_update_on_a_stale_version_is_a_conflict(gql, org):
    # given
    await gql.mutate(TEAM_UPDATE, {"id": gid(org.growth), "version": 1, "name": "A"}, "teamUpdate")

    # when
    error = await gql.error(
        TEAM_UPDATE, {"input": {"id": gid(org.growth), "version": 1, "name": "B"}}
    )

    # then
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 2}
    assert (await read(gql, READ_TEAM, org.growth))["name"] == "A"


# teamArchive


async def test_admin_archives_a_team_without_live_work(gql, org):
    # given: a goal of the team that is archived already
    await factories.archive(await factories.goal(org.sales))

    # when
    payload = await gql.mutate(TEAM_ARCHIVE, {"id": gid(org.sales), "version": 1}, "teamArchive")

    # then
    assert payload["userErrors"] == []
    archived = await read(gql, READ_TEAM, org.sales)
    assert archived["version"] == 2
    assert archived["archivedAt"] is not None
    entry = (await history(gql, gid(org.sales)))[-1]
    assert entry["action"] == "ARCHIVED"
    assert entry["changes"] == [
        {"field": "archivedAt", "before": None, "after": archived["archivedAt"]}
    ]


@pytest.mark.parametrize("owned", ["goal", "campaign"])
async def test_a_team_with_live_goals_or_campaigns_is_not_archived(gql, org, owned):
    # given
    await getattr(factories, owned)(org.sales)

    # when
    payload = await gql.mutate(TEAM_ARCHIVE, {"id": gid(org.sales), "version": 1}, "teamArchive")

    # then
    assert payload["team"] is None
    assert codes(payload) == [("id", "HAS_DEPENDENTS")]
    assert (await read(gql, READ_TEAM, org.sales))["archivedAt"] is None


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_archives_teams(gql, org, who):
    # given
    someone = gql.as_user(getattr(org, who))

    # when
    error = await someone.error(TEAM_ARCHIVE, {"input": {"id": gid(org.sales), "version": 1}})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await read(gql, READ_TEAM, org.sales))["archivedAt"] is None


async def test_team_archive_on_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(TEAM_ARCHIVE, {"input": {"id": gid(org.sales), "version": 7}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert (await read(gql, READ_TEAM, org.sales))["archivedAt"] is None


# userCreate


async def test_admin_creates_a_user_without_a_password(gql, org):
    # given
    new_user = {
        "email": " Nia@Example.com ",
        "name": "Nia",
        "role": "EDITOR",
        "teamIds": [gid(org.sales), gid(org.growth), gid(org.sales)],
        "weeklyCapacityHours": "32.5",
    }

    # when
    payload = await gql.mutate(USER_CREATE, new_user, "userCreate")

    # then
    assert payload["userErrors"] == []
    created = payload["user"]
    expected = {
        "id": created["id"],
        "email": "Nia@Example.com",
        "name": "Nia",
        "role": "EDITOR",
        "weeklyCapacityHours": "32.50",
        "version": 1,
        "archivedAt": None,
        "teams": [{"name": "Growth"}, {"name": "Sales"}],
    }
    assert created == expected
    assert (await gql.data(READ_USER, {"id": created["id"]}))["node"] == expected
    stored = await models.User.get(email_key="nia@example.com")
    assert stored.password_hash is None
    [entry] = await history(gql, created["id"])
    assert entry["action"] == "CREATED"
    assert entry["changes"] == [
        {"field": "email", "before": None, "after": "Nia@Example.com"},
        {"field": "name", "before": None, "after": "Nia"},
        {"field": "role", "before": None, "after": "EDITOR"},
        {"field": "weeklyCapacityHours", "before": None, "after": "32.50"},
        {"field": "teams", "before": None, "after": [gid(org.growth), gid(org.sales)]},
    ]


async def test_a_new_user_is_a_viewer_of_forty_hours_by_default(gql, org):
    # when
    payload = await gql.mutate(USER_CREATE, {"email": "o@x.io", "name": "Otto"}, "userCreate")

    # then
    assert payload["userErrors"] == []
    user = payload["user"]
    assert (user["role"], user["weeklyCapacityHours"], user["teams"]) == ("VIEWER", "40.00", [])


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_creates_users(gql, org, who):
    # given
    someone = gql.as_user(getattr(org, who))
    users_before = (await gql.data(COUNT_USERS))["users"]["totalCount"]

    # when
    error = await someone.error(
        USER_CREATE, {"input": {"email": "friend@x.io", "name": "Friend", "role": "ADMIN"}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await gql.data(COUNT_USERS))["users"]["totalCount"] == users_before
    assert not await models.User.filter(email_key="friend@x.io").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"email": "not-an-address"}, [("email", "INVALID")]),
        ({"email": "two words@x.io"}, [("email", "INVALID")]),
        ({"email": "nobody@localhost"}, [("email", "INVALID")]),
        ({"email": "a" * 245 + "@example.com"}, [("email", "TOO_LONG")]),
        ({"email": " "}, [("email", "REQUIRED")]),
        ({"email": "GINA@Example.COM"}, [("email", "DUPLICATE")]),
        ({"name": ""}, [("name", "REQUIRED")]),
        ({"name": "n" * 121}, [("name", "TOO_LONG")]),
        ({"weeklyCapacityHours": "-1"}, [("weeklyCapacityHours", "NEGATIVE")]),
        ({"weeklyCapacityHours": "168.01"}, [("weeklyCapacityHours", "OUT_OF_RANGE")]),
        ({"weeklyCapacityHours": "10.125"}, [("weeklyCapacityHours", "INVALID")]),
        ({"teamIds": [encode_global_id("Team", 999)]}, [("teamIds.0", "NOT_FOUND")]),
        ({"teamIds": ["archived"]}, [("teamIds.0", "ARCHIVED")]),
        (
            {"email": "bad", "name": "", "teamIds": ["x"]},
            [("email", "INVALID"), ("name", "REQUIRED"), ("teamIds.0", "NOT_FOUND")],
        ),
    ],
)
async def test_user_create_validation(gql, org, changes, expected):
    # given
    await factories.archive(org.sales)
    if changes.get("teamIds") == ["archived"]:
        changes["teamIds"] = [gid(org.sales)]
    users_before = (await gql.data(COUNT_USERS))["users"]["totalCount"]

    # when
    payload = await gql.mutate(
        USER_CREATE, {"email": "new@example.com", "name": "New", **changes}, "userCreate"
    )

    # then
    assert payload["user"] is None
    assert codes(payload) == expected
    assert (await gql.data(COUNT_USERS))["users"]["totalCount"] == users_before


async def test_capacity_may_be_zero_or_a_full_week(gql, org):
    # when
    idle = await gql.mutate(
        USER_CREATE, {"email": "a@x.io", "name": "A", "weeklyCapacityHours": "0"}, "userCreate"
    )
    busy = await gql.mutate(
        USER_CREATE, {"email": "b@x.io", "name": "B", "weeklyCapacityHours": "168"}, "userCreate"
    )

    # then
    assert idle["user"]["weeklyCapacityHours"] == "0.00"
    assert busy["user"]["weeklyCapacityHours"] == "168.00"


# userUpdate


async def test_admin_updates_a_user_and_replaces_their_teams(gql, org):
    # when
    payload = await gql.mutate(
        USER_UPDATE,
        {
            "id": gid(org.editor),
            "version": 1,
            "email": "Gina.M@Example.com",
            "role": "ADMIN",
            "teamIds": [gid(org.sales)],
            "weeklyCapacityHours": "20",
        },
        "userUpdate",
    )

    # then
    assert payload["userErrors"] == []
    expected = {
        "id": gid(org.editor),
        "email": "Gina.M@Example.com",
        "name": "Gina",
        "role": "ADMIN",
        "weeklyCapacityHours": "20.00",
        "version": 2,
        "archivedAt": None,
        "teams": [{"name": "Sales"}],
    }
    assert payload["user"] == expected
    assert await read(gql, READ_USER, org.editor) == expected
    assert await models.User.filter(email_key="gina.m@example.com").count() == 1
    assert await history(gql, gid(org.editor)) == [
        {
            "action": "UPDATED",
            "actor": {"name": "Test Admin"},
            "changes": [
                {"field": "email", "before": "gina@example.com", "after": "Gina.M@Example.com"},
                {"field": "role", "before": "EDITOR", "after": "ADMIN"},
                {"field": "weeklyCapacityHours", "before": "40", "after": "20"},
                {"field": "teams", "before": [gid(org.growth)], "after": [gid(org.sales)]},
            ],
        }
    ]


async def test_changing_only_the_teams_is_a_change(gql, org):
    # when
    payload = await gql.mutate(
        USER_UPDATE, {"id": gid(org.viewer), "version": 1, "teamIds": []}, "userUpdate"
    )

    # then
    assert payload["userErrors"] == []
    assert (payload["user"]["teams"], payload["user"]["version"]) == ([], 2)
    [entry] = await history(gql, gid(org.viewer))
    assert entry["changes"] == [{"field": "teams", "before": [gid(org.growth)], "after": []}]


async def test_an_update_that_changes_nothing_keeps_the_version(gql, org):
    # when
    payload = await gql.mutate(
        USER_UPDATE,
        {"id": gid(org.viewer), "version": 1, "name": "Vic", "teamIds": [gid(org.growth)]},
        "userUpdate",
    )

    # then
    assert payload["userErrors"] == []
    assert payload["user"]["version"] == 1
    assert await history(gql, gid(org.viewer)) == []


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_updates_users_even_themselves(gql, org, who):
    # given
    someone = getattr(org, who)
    before = await read(gql, READ_USER, someone)

    # when
    error = await gql.as_user(someone).error(
        USER_UPDATE, {"input": {"id": gid(someone), "version": 1, "role": "ADMIN"}}
    )

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await read(gql, READ_USER, someone) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"email": "VIC@x.io"}, [("email", "DUPLICATE")]),
        ({"email": "nope"}, [("email", "INVALID")]),
        ({"name": None}, [("name", "REQUIRED")]),
        ({"role": None}, [("role", "REQUIRED")]),
        ({"teamIds": None}, [("teamIds", "REQUIRED")]),
        ({"teamIds": [encode_global_id("Goal", 1)]}, [("teamIds.0", "NOT_FOUND")]),
        ({"weeklyCapacityHours": None}, [("weeklyCapacityHours", "REQUIRED")]),
        ({"weeklyCapacityHours": "169"}, [("weeklyCapacityHours", "OUT_OF_RANGE")]),
    ],
)
async def test_user_update_validation(gql, org, changes, expected):
    # given
    await factories.user(email="vic@x.io")
    before = await read(gql, READ_USER, org.editor)

    # when
    payload = await gql.mutate(
        USER_UPDATE, {"id": gid(org.editor), "version": 1, **changes}, "userUpdate"
    )

    # then
    assert payload["user"] is None
    assert codes(payload) == expected
    assert await read(gql, READ_USER, org.editor) == before


async def test_user_update_on_a_stale_version_is_a_conflict(gql, org):
    # given
    before = await read(gql, READ_USER, org.editor)

    # when
    error = await gql.error(
        USER_UPDATE, {"input": {"id": gid(org.editor), "version": 3, "name": "Late"}}
    )

    # then
    assert error["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    assert await read(gql, READ_USER, org.editor) == before


async def test_the_last_admin_cannot_be_demoted(gql, org):
    # given: the signed-in admin is the only one
    admin = await gql.signed_in_user()

    # when
    payload = await gql.mutate(
        USER_UPDATE, {"id": gid(admin), "version": 1, "role": "EDITOR"}, "userUpdate"
    )

    # then
    assert payload["user"] is None
    assert codes(payload) == [("role", "NOT_ALLOWED")]
    assert (await read(gql, READ_USER, admin))["role"] == "ADMIN"


async def test_an_admin_may_step_down_when_another_admin_remains(gql, org):
    # given
    admin = await gql.signed_in_user()
    await factories.user(role=Role.ADMIN, name="Second admin")

    # when
    payload = await gql.mutate(
        USER_UPDATE, {"id": gid(admin), "version": 1, "role": "VIEWER"}, "userUpdate"
    )

    # then
    assert payload["userErrors"] == []
    assert payload["user"]["role"] == "VIEWER"


# userArchive


async def test_archiving_a_user_ends_their_sign_in_and_sessions(gql, org, signer):
    # given: the editor holds a live refresh token
    now = clock.now()
    await models.RefreshToken.create(
        user=org.editor,
        token_hash="a" * 64,
        family="f1",
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    editor = gql.as_user(org.editor)
    assert await editor.data(ME)

    # when
    payload = await gql.mutate(USER_ARCHIVE, {"id": gid(org.editor), "version": 1}, "userArchive")

    # then
    assert payload["userErrors"] == []
    assert payload["user"]["archivedAt"] is not None
    assert payload["user"]["version"] == 2
    assert (await editor.error(ME))["extensions"]["code"] == "UNAUTHENTICATED"
    token = await models.RefreshToken.get(token_hash="a" * 64)
    assert token.revoked_at is not None
    [entry] = await models.HistoryEntry.filter(node_type="User", node_id=org.editor.pk)
    assert entry.action == HistoryAction.ARCHIVED


async def test_an_admin_cannot_archive_themself(gql, org):
    # given
    admin = await gql.signed_in_user()

    # when
    payload = await gql.mutate(USER_ARCHIVE, {"id": gid(admin), "version": 1}, "userArchive")

    # then
    assert payload["user"] is None
    assert codes(payload) == [("id", "NOT_ALLOWED")]
    assert (await read(gql, READ_USER, admin))["archivedAt"] is None


@pytest.mark.parametrize("who", ["editor", "viewer"])
async def test_only_an_admin_archives_users(gql, org, who):
    # given
    someone = gql.as_user(getattr(org, who))

    # when
    error = await someone.error(USER_ARCHIVE, {"input": {"id": gid(org.viewer), "version": 1}})

    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await read(gql, READ_USER, org.viewer))["archivedAt"] is None


async def test_user_archive_on_a_stale_version_is_a_conflict(gql, org):
    # when
    error = await gql.error(USER_ARCHIVE, {"input": {"id": gid(org.viewer), "version": 2}})

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert (await read(gql, READ_USER, org.viewer))["archivedAt"] is None


async def test_an_unknown_user_is_not_found(gql, org):
    # when
    error = await gql.error(
        USER_ARCHIVE, {"input": {"id": encode_global_id("User", 9999), "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "NOT_FOUND"
