import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { ME, fakeGateway, json, problem } from "../../test/gateway";
import TeamPage from "./TeamPage";
import { meAs, renderSignedIn } from "./testing";

// Unmounted first, so the session's end reaches no mounted AuthProvider outside act().
afterEach(() => {
  cleanup();
  endSession();
});

const ANA = {
  id: ME.user.id,
  email: "ana@acme.example",
  name: "Ana",
  role: "owner",
  disabled: false,
  last_login_at: "2026-11-27T12:00:00Z",
  created_at: "2026-01-01T00:00:00Z",
};
const BRUNO = {
  id: "0193a000-0000-7000-8000-000000000002",
  email: "bruno@acme.example",
  name: "Bruno",
  role: "agent",
  disabled: false,
  last_login_at: null,
  created_at: "2026-02-01T00:00:00Z",
};
const PENDING = {
  id: "0193a000-0000-7000-8000-0000000000a1",
  email: "carla@acme.example",
  role: "manager",
  expires_at: new Date(Date.now() + 3 * 86400_000).toISOString(),
  created_at: "2026-11-28T00:00:00Z",
};

function page<T>(items: T[], next_cursor: string | null = null) {
  return json({ items, next_cursor });
}

// Typing into whole forms is slow on a machine busy with other suites; no test waits on time.
describe("team page", { timeout: 30_000 }, () => {
  it("invites by email and role, shows the link once and the invitation in the list", async () => {
    const bodies: unknown[] = [];
    fakeGateway({
      "GET /api/v1/users": () => page([ANA, BRUNO]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
      "POST /api/v1/invitations": async (request) => {
        const body = (await request.json()) as { email: string; role: string };
        bodies.push(body);
        return json(
          {
            ...body,
            id: "0193a000-0000-7000-8000-0000000000b2",
            expires_at: new Date(Date.now() + 72 * 3600_000).toISOString(),
            created_at: new Date().toISOString(),
            token: "tok_secret_123456",
            accept_url: "https://app.example/accept-invitation#token=tok_secret_123456",
          },
          201,
        );
      },
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(
      await screen.findByText("No pending invitations. Invite a teammate with the form above."),
    ).toBeInTheDocument();
    await user.type(screen.getByLabelText("Email"), "  dora@acme.example ");
    await user.selectOptions(screen.getByRole("combobox", { name: "Role" }), "Admin");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));

    await waitFor(() => expect(bodies).toEqual([{ email: "dora@acme.example", role: "admin" }]));
    expect(await screen.findByLabelText("Invitation link")).toHaveTextContent(
      "https://app.example/accept-invitation#token=tok_secret_123456",
    );
    const list = screen.getByRole("table", { name: "Pending invitations" });
    expect(within(list).getByText("dora@acme.example")).toBeInTheDocument();
    expect(within(list).getByText("Admin")).toBeInTheDocument();
    expect(within(list).getByText(/in 3 days/)).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveValue("");
  });

  it("checks the address before sending and shows the server's refusal", async () => {
    const seen = fakeGateway({
      "GET /api/v1/users": () => page([ANA]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([PENDING]),
      "POST /api/v1/invitations": () =>
        problem(409, "an account with this email already exists", "email_taken"),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText("carla@acme.example")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Email"), "not-an-address");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText("Enter a valid email address")).toBeInTheDocument();
    expect(seen).not.toContain("POST /api/v1/invitations");

    await user.clear(screen.getByLabelText("Email"));
    await user.type(screen.getByLabelText("Email"), "bruno@acme.example");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(
      await screen.findByText("an account with this email already exists"),
    ).toBeInTheDocument();
  });

  it("shows the fields a 422 names", async () => {
    fakeGateway({
      "GET /api/v1/users": () => page([ANA]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
      "POST /api/v1/invitations": () =>
        new Response(
          JSON.stringify({
            title: "Invalid request",
            status: 422,
            detail: "the request does not match the schema",
            errors: [
              { loc: ["body", "email"], msg: "value is not a valid email address", type: "x" },
            ],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.type(await screen.findByLabelText("Email"), "dora@acme.x");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));

    expect(
      await screen.findByText(
        "the request does not match the schema (email: value is not a valid email address)",
      ),
    ).toBeInTheDocument();
  });

  it("changes a role, and shows the refusal when the gateway keeps the last owner", async () => {
    const bodies: unknown[] = [];
    fakeGateway({
      "GET /api/v1/users": () => page([ANA, BRUNO]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
      [`PATCH /api/v1/users/${BRUNO.id}`]: async (request) => {
        const body = (await request.json()) as { role: string };
        bodies.push(body);
        if (body.role === "owner") {
          return problem(409, "a company keeps at least one active owner", "last_owner");
        }
        return json({ ...BRUNO, ...body });
      },
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const select = await screen.findByRole("combobox", { name: "Role of Bruno" });
    // Nobody changes their own role: Ana's is shown, not offered.
    expect(screen.queryByRole("combobox", { name: "Role of Ana" })).not.toBeInTheDocument();
    await user.selectOptions(select, "Manager");

    await waitFor(() => expect(bodies).toEqual([{ role: "manager" }]));
    expect(await screen.findByText("Bruno is now Manager.")).toBeInTheDocument();
    await waitFor(() => expect(select).toHaveValue("manager"));

    await user.selectOptions(select, "Owner");
    expect(
      await screen.findByText("a company keeps at least one active owner"),
    ).toBeInTheDocument();
    await waitFor(() => expect(select).toHaveValue("manager"));
  });

  it("disables a user after confirmation", async () => {
    const seen = fakeGateway({
      "GET /api/v1/users": () => page([ANA, BRUNO]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
      [`POST /api/v1/users/${BRUNO.id}/disable`]: () => json({ ...BRUNO, disabled: true }),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Disable Bruno" }));
    const dialog = await screen.findByRole("dialog", { name: "Disable Bruno?" });
    expect(seen).not.toContain(`POST /api/v1/users/${BRUNO.id}/disable`);
    await user.click(within(dialog).getByRole("button", { name: "Disable" }));

    expect(await screen.findByText("Bruno was disabled.")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Enable Bruno" })).toBeInTheDocument();
    expect(screen.getByText("Disabled")).toBeInTheDocument();
  });

  it("closes the confirmation with its named close button, disabling nobody", async () => {
    const seen = fakeGateway({
      "GET /api/v1/users": () => page([ANA, BRUNO]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Disable Bruno" }));
    const dialog = await screen.findByRole("dialog", { name: "Disable Bruno?" });
    await user.click(within(dialog).getByRole("button", { name: "Close" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(seen).not.toContain(`POST /api/v1/users/${BRUNO.id}/disable`);
  });

  it("revokes an invitation after confirmation", async () => {
    fakeGateway({
      "GET /api/v1/users": () => page([ANA]),
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([PENDING]),
      [`DELETE /api/v1/invitations/${PENDING.id}`]: () => new Response(null, { status: 204 }),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(
      await screen.findByRole("button", { name: "Revoke the invitation for carla@acme.example" }),
    );
    const dialog = await screen.findByRole("dialog", { name: "Revoke the invitation?" });
    await user.click(within(dialog).getByRole("button", { name: "Revoke" }));

    expect(
      await screen.findByText("The invitation for carla@acme.example was revoked."),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole("table", { name: "Pending invitations" })).not.toBeInTheDocument(),
    );
  });

  it("pages through users with the cursor", async () => {
    const cursors: (string | null)[] = [];
    fakeGateway({
      "GET /api/v1/users": (request) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        cursors.push(cursor);
        return cursor ? page([BRUNO]) : page([ANA], ANA.id);
      },
      "GET /api/v1/teams": () => page([]),
      "GET /api/v1/invitations": () => page([]),
    });
    renderSignedIn(<TeamPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Load more" }));

    expect(await screen.findByText("bruno@acme.example")).toBeInTheDocument();
    expect(cursors).toEqual([null, ANA.id]);
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows a manager the team without any management control", async () => {
    const seen = fakeGateway({
      "GET /api/v1/me": () => json(meAs("manager")),
      "GET /api/v1/users": () => page([{ ...ANA, role: "manager" }, BRUNO]),
      "GET /api/v1/teams": () => page([]),
    });
    renderSignedIn(<TeamPage />);

    expect(await screen.findByText("bruno@acme.example")).toBeInTheDocument();
    expect(
      screen.getByText("You can see the team, but only admins and owners can change it."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Send invitation" })).not.toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "Role of Bruno" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Disable Bruno" })).not.toBeInTheDocument();
    expect(seen).not.toContain("GET /api/v1/invitations");
  });

  it("tells an agent the list is not theirs to see", async () => {
    const seen = fakeGateway({ "GET /api/v1/me": () => json(meAs("agent")) });
    renderSignedIn(<TeamPage />);

    expect(
      await screen.findByText(
        "Your role does not include seeing the team list. Ask an admin if you need it.",
      ),
    ).toBeInTheDocument();
    expect(seen).not.toContain("GET /api/v1/users");
  });
});
