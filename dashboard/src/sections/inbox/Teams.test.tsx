import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../api/inbox";
import { fakeGateway, json, ME, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { ConversationList } from "./ConversationList";
import { conversation } from "./fixtures";
import InboxPage from "./InboxPage";

const MARIA = conversation();
const BASE = `/api/v1/inbox/conversations/${MARIA.id}`;
const AGENT = { ...ME, role: "agent", user: { ...ME.user, role: "agent" } };

function team(id: string, name: string, memberIds: string[] = []) {
  return {
    id,
    name,
    description: null,
    member_ids: memberIds,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
}

const SALES = team("5a1e5000-0000-4000-8000-000000000001", "Sales");
const SUPPORT = team("5a1e5000-0000-4000-8000-000000000002", "Support", [ME.user.id]);
const TEAMS = () => json({ items: [SALES, SUPPORT], next_cursor: null });

/** The inbox with Maria's conversation open; `extra` answers the calls under test. */
async function openMaria(extra: Parameters<typeof fakeGateway>[0] = {}, start: Conversation = MARIA) {
  let current = start;
  const seen = fakeGateway({
    "GET /api/v1/inbox/conversations": () => json({ items: [current], next_cursor: null }),
    [`GET ${BASE}`]: () => json(current),
    [`GET ${BASE}/messages`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/users": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/teams": TEAMS,
    ...extra,
  });
  renderWithProviders(<InboxPage />);
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  await user.click(await screen.findByRole("option", { name: /Maria Silva/ }));
  await screen.findByRole("heading", { name: "Maria Silva" });
  return { user, seen, set: (next: Conversation) => (current = next) };
}

/** Picks `option` in the select `input` opens (its own list: the inbox has a listbox too). */
async function choose(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, option: string) {
  await user.click(input);
  const list = await waitFor(() => {
    const element = document.getElementById(input.getAttribute("aria-controls") ?? "");
    if (!element) throw new Error("no options");
    return element;
  });
  await user.click(await within(list).findByRole("option", { name: option, hidden: true }));
}

describe("teams in the inbox", { timeout: 20_000 }, () => {
  it("a manager moves the conversation to a team and out of it again", async () => {
    const bodies: unknown[] = [];
    const { user, set } = await openMaria({
      [`POST ${BASE}/assign`]: async (request) => {
        const body = (await request.json()) as { team_id: string | null };
        bodies.push(body);
        const next = { ...MARIA, assigned_team_id: body.team_id };
        set(next);
        return json(next);
      },
    });

    await user.click(await screen.findByRole("button", { name: "Team: No team" }));
    await user.click(await screen.findByRole("menuitem", { name: "Sales" }));
    expect(await screen.findByText("Moved to Sales")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Team: Sales" }));
    await user.click(await screen.findByRole("menuitem", { name: "Take it out of its team" }));

    expect(await screen.findByText("The conversation is in no team now")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Team: No team" })).toBeInTheDocument();
    // Only the team: who holds the conversation stays as it is.
    expect(bodies).toEqual([{ team_id: SALES.id }, { team_id: null }]);
  });

  it("puts the team back and says why when the crm refuses it", async () => {
    const { user } = await openMaria({
      [`POST ${BASE}/assign`]: () => problem(422, "no team in this company", "team_unknown"),
    });

    await user.click(await screen.findByRole("button", { name: "Team: No team" }));
    await user.click(await screen.findByRole("menuitem", { name: "Support" }));

    expect(await screen.findByText("no team in this company")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Team: No team" })).toBeInTheDocument();
  });

  it("an agent sees the team, and is told only its members may take it", async () => {
    const { user } = await openMaria(
      { "GET /api/v1/me": () => json(AGENT) },
      { ...MARIA, assigned_team_id: SALES.id },
    );

    // Not a menu: agents do not move conversations between teams.
    expect(await screen.findByLabelText("Team: Sales")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Team: Sales" })).not.toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Assignee: Unassigned" }));

    expect(await screen.findByRole("menuitem", { name: "Only members of Sales may take it" })).toHaveAttribute(
      "data-disabled",
    );
    expect(screen.queryByRole("menuitem", { name: "Assign to me" })).not.toBeInTheDocument();
  });

  it("an agent takes a conversation of their own team", async () => {
    const bodies: unknown[] = [];
    const inSupport = { ...MARIA, assigned_team_id: SUPPORT.id };
    const { user, set } = await openMaria(
      {
        "GET /api/v1/me": () => json(AGENT),
        [`POST ${BASE}/assign`]: async (request) => {
          bodies.push(await request.json());
          const next = { ...inSupport, assigned_user_id: ME.user.id };
          set(next);
          return json(next);
        },
      },
      inSupport,
    );

    expect(await screen.findByLabelText("Team: Support")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Assignee: Unassigned" }));
    await user.click(await screen.findByRole("menuitem", { name: "Assign to me" }));

    expect(await screen.findByText("Assigned to you")).toBeInTheDocument();
    expect(bodies).toEqual([{ user_id: ME.user.id }]);
  });

  it("filters the list by team, and by a team's conversations nobody took yet", async () => {
    const asked: URLSearchParams[] = [];
    fakeGateway({
      "GET /api/v1/inbox/conversations": (request) => {
        const params = new URL(request.url).searchParams;
        asked.push(params);
        return params.get("team_id")
          ? json({ items: [conversation({ id: "sales-one", contact: { id: "s", name: "Sales customer", phone: null, user_id: null } })], next_cursor: null })
          : json({ items: [conversation()], next_cursor: null });
      },
      "GET /api/v1/teams": TEAMS,
    });
    renderWithProviders(<ConversationList onSelect={() => {}} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByText("Maria Silva");

    await choose(user, await screen.findByRole("textbox", { name: "Team" }), "Sales");
    expect(await screen.findByText("Sales customer")).toBeInTheDocument();
    await user.click(screen.getByText("Unassigned"));

    await waitFor(() =>
      expect(asked.some((p) => p.get("team_id") === SALES.id && p.get("unassigned") === "true")).toBe(true),
    );
    await choose(user, screen.getByRole("textbox", { name: "Team" }), "All teams");
    await waitFor(() => expect(asked.at(-1)?.has("team_id")).toBe(false));
    expect(asked.at(-1)?.get("unassigned")).toBe("true");
  });

  it("shows no team filter or control to a company without teams", async () => {
    const { seen } = await openMaria({ "GET /api/v1/teams": () => json({ items: [], next_cursor: null }) });

    expect(await screen.findByRole("button", { name: "Assignee: Unassigned" })).toBeInTheDocument();
    await waitFor(() => expect(seen).toContain("GET /api/v1/teams"));
    expect(screen.queryByRole("textbox", { name: "Team" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/^Team: /)).not.toBeInTheDocument();
  });
});
