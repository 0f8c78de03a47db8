import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json, problem } from "../../test/gateway";
import TeamPage from "./TeamPage";
import { meAs, renderSignedIn } from "./testing";

afterEach(() => {
  cleanup();
  endSession();
});

function person(n: number, name: string, extra: Record<string, unknown> = {}) {
  return {
    id: `0193a000-0000-7000-8000-00000000000${n}`,
    email: `${name.toLowerCase()}@acme.example`,
    name,
    role: "agent",
    disabled: false,
    last_login_at: null,
    created_at: "2026-02-01T00:00:00Z",
    ...extra,
  };
}

const ANA = { ...person(1, "Ana", { role: "owner" }), id: ME.user.id };
const BRUNO = person(2, "Bruno");
const CARLA = person(3, "Carla", { role: "manager" });
const DIEGO = person(4, "Diego", { disabled: true });
const PEOPLE = [ANA, BRUNO, CARLA, DIEGO];

function team(id: string, name: string, member_ids: string[], description: string | null = null) {
  return {
    id: `0193b000-0000-7000-8000-0000000000${id}`,
    name,
    description,
    member_ids,
    created_at: "2026-11-01T00:00:00Z",
    updated_at: "2026-11-01T00:00:00Z",
  };
}

const SALES = team("a1", "Sales", [BRUNO.id, CARLA.id, DIEGO.id], "Leads from the site");
const SUPPORT = team("a2", "Support", []);

function page<T>(items: T[], next_cursor: string | null = null) {
  return json({ items, next_cursor });
}

/** The gateway's teams, kept as it would keep them, and the bodies it was sent. */
function teamsGateway(initial: ReturnType<typeof team>[], overrides = {}) {
  let teams = [...initial];
  const bodies: unknown[] = [];
  const seen = fakeGateway({
    "GET /api/v1/users": () => page(PEOPLE),
    "GET /api/v1/invitations": () => page([]),
    "GET /api/v1/teams": () => page([...teams].sort((a, b) => a.name.localeCompare(b.name))),
    "POST /api/v1/teams": async (request) => {
      const body = (await request.json()) as { name: string; description: string | null; member_ids: string[] };
      bodies.push(body);
      const created = { ...team("b1", body.name, [...body.member_ids].sort(), body.description) };
      teams.push(created);
      return json(created, 201);
    },
    [`PATCH /api/v1/teams/${SALES.id}`]: async (request) => {
      const body = (await request.json()) as Partial<typeof SALES>;
      bodies.push(body);
      const updated = { ...SALES, ...body, updated_at: "2026-12-01T00:00:00Z" };
      teams = teams.map((item) => (item.id === SALES.id ? updated : item));
      return json(updated);
    },
    [`DELETE /api/v1/teams/${SUPPORT.id}`]: () => {
      teams = teams.filter((item) => item.id !== SUPPORT.id);
      return new Response(null, { status: 204 });
    },
    ...overrides,
  });
  return { seen, bodies };
}

describe("teams on the team page", { timeout: 30_000 }, () => {
  it("lists the teams with their members by name", async () => {
    teamsGateway([SUPPORT, SALES]);
    renderSignedIn(<TeamPage />);

    const table = await screen.findByRole("table", { name: "Teams" });
    const [sales, support] = within(table).getAllByRole("row").slice(1);
    expect(sales).toHaveTextContent("Sales");
    expect(sales).toHaveTextContent("Leads from the site");
    expect(sales).toHaveTextContent("3 members");
    expect(await within(sales!).findByText("Bruno, Carla, Diego (disabled)")).toBeInTheDocument();
    expect(support).toHaveTextContent("Support");
    expect(support).toHaveTextContent("No members yet");
  });

  it("says when there are no teams, and reads no users for them", async () => {
    const { seen } = teamsGateway([], { "GET /api/v1/users": () => page([ANA]) });
    renderSignedIn(<TeamPage />);

    expect(await screen.findByText("No teams yet.")).toBeInTheDocument();
    expect(
      screen.getByText("Create a team to hand conversations to a group of people."),
    ).toBeInTheDocument();
    expect(seen.filter((call) => call === "GET /api/v1/users")).toHaveLength(1);
  });

  it("creates a team with a description and members picked from the company's users", async () => {
    const { bodies } = teamsGateway([]);
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "New team" }));
    const dialog = await screen.findByRole("dialog", { name: "New team" });
    await user.click(within(dialog).getByRole("button", { name: "Create team" }));
    expect(await within(dialog).findByText("Give the team a name")).toBeInTheDocument();
    expect(bodies).toEqual([]);

    await user.type(within(dialog).getByLabelText(/Name/), "  Night shift ");
    await user.type(within(dialog).getByLabelText("Description"), "22h to 6h");
    await user.click(await within(dialog).findByRole("checkbox", { name: "Carla" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "Bruno" }));
    expect(within(dialog).getByText("2 chosen")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Create team" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        { name: "Night shift", description: "22h to 6h", member_ids: [CARLA.id, BRUNO.id] },
      ]),
    );
    expect(await screen.findByText("The team Night shift was created.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const table = await screen.findByRole("table", { name: "Teams" });
    expect(await within(table).findByText("Night shift")).toBeInTheDocument();
    expect(within(table).getByText("2 members")).toBeInTheDocument();
  });

  it("puts a taken name on the name field and unknown members above the buttons", async () => {
    let answer = problem(409, "a team named 'Sales' already exists", "team_name_taken");
    teamsGateway([SALES], { "POST /api/v1/teams": () => answer });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "New team" }));
    const dialog = await screen.findByRole("dialog", { name: "New team" });
    await user.type(within(dialog).getByLabelText(/Name/), "sales");
    await user.click(within(dialog).getByRole("button", { name: "Create team" }));

    const name = within(dialog).getByLabelText(/Name/);
    await waitFor(() => expect(name).toHaveAccessibleDescription("a team named 'Sales' already exists"));

    answer = problem(422, `not users of this company: ${BRUNO.id}`, "member_unknown");
    await user.clear(name);
    await user.type(name, "Other");
    await user.click(within(dialog).getByRole("button", { name: "Create team" }));
    expect(await within(dialog).findByText(`not users of this company: ${BRUNO.id}`)).toBeInTheDocument();
    expect(screen.getByRole("dialog", { name: "New team" })).toBeInTheDocument();
  });

  it("edits a team: its name, no description, and the whole new set of members", async () => {
    const { bodies } = teamsGateway([SALES]);
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Edit the team Sales" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit Sales" });
    expect(within(dialog).getByLabelText(/Name/)).toHaveValue("Sales");
    expect(within(dialog).getByRole("checkbox", { name: "Bruno" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Diego (disabled)" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Ana" })).not.toBeChecked();
    await user.clear(within(dialog).getByLabelText(/Name/));
    await user.type(within(dialog).getByLabelText(/Name/), "Inside sales");
    await user.clear(within(dialog).getByLabelText("Description"));
    await user.click(within(dialog).getByRole("checkbox", { name: "Diego (disabled)" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "Ana" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        { name: "Inside sales", description: null, member_ids: [BRUNO.id, CARLA.id, ANA.id] },
      ]),
    );
    expect(await screen.findByText("The team Inside sales was saved.")).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Teams" });
    expect(await within(table).findByText("Inside sales")).toBeInTheDocument();
    expect(within(table).queryByText("Leads from the site")).not.toBeInTheDocument();
  });

  it("deletes a team after confirmation", async () => {
    const { seen } = teamsGateway([SALES, SUPPORT]);
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Delete the team Support" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete the team Support?" });
    expect(seen).not.toContain(`DELETE /api/v1/teams/${SUPPORT.id}`);
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    expect(await screen.findByText("The team Support was deleted.")).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Teams" });
    await waitFor(() => expect(within(table).queryByText("Support")).not.toBeInTheDocument());
    expect(within(table).getByText("Sales")).toBeInTheDocument();
  });

  it("shows the refusal when a team cannot be deleted", async () => {
    teamsGateway([SUPPORT], {
      [`DELETE /api/v1/teams/${SUPPORT.id}`]: () =>
        problem(403, "this needs the admin role or above", "role_required"),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Delete the team Support" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete the team Support?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    expect(await screen.findByText("this needs the admin role or above")).toBeInTheDocument();
    expect(screen.getByRole("table", { name: "Teams" })).toHaveTextContent("Support");
  });

  it("shows a manager the teams without any control to change them", async () => {
    teamsGateway([SALES], { "GET /api/v1/me": () => json(meAs("manager")) });
    renderSignedIn(<TeamPage />);

    const table = await screen.findByRole("table", { name: "Teams" });
    expect(await within(table).findByText("Bruno, Carla, Diego (disabled)")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New team" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit the team Sales" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete the team Sales" })).not.toBeInTheDocument();
  });

  it("tells a manager who creates teams when there are none", async () => {
    teamsGateway([], { "GET /api/v1/me": () => json(meAs("manager")) });
    renderSignedIn(<TeamPage />);

    expect(await screen.findByText("Admins and owners create teams.")).toBeInTheDocument();
  });

  it("shows why the teams could not be loaded", async () => {
    teamsGateway([], {
      "GET /api/v1/teams": () => problem(503, "the gateway is restarting", "unavailable"),
    });
    renderSignedIn(<TeamPage />);

    expect(await screen.findByText("the gateway is restarting")).toBeInTheDocument();
  });
});
