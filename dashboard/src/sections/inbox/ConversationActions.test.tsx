import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../api/inbox";
import { fakeGateway, json, ME, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation } from "./fixtures";
import InboxPage from "./InboxPage";

const MARIA = conversation();
const BASE = `/api/v1/inbox/conversations/${MARIA.id}`;
const BRUNO = {
  id: "7a1c9f38-6d3c-4c36-8d0a-5c2b1d2f0a12",
  email: "bruno@acme.example",
  name: "Bruno",
  role: "agent",
  disabled: false,
  last_login_at: null,
  created_at: "2026-01-01T00:00:00Z",
};

/** The inbox with Maria's conversation open; `extra` answers the actions under test. */
async function openMaria(extra: Parameters<typeof fakeGateway>[0] = {}, start: Conversation = MARIA) {
  let current = start;
  const seen = fakeGateway({
    "GET /api/v1/inbox/conversations": () => json({ items: [current], next_cursor: null }),
    [`GET ${BASE}`]: () => json(current),
    [`GET ${BASE}/messages`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/users": () =>
      json({ items: [{ ...ME.user, disabled: false, last_login_at: null, created_at: "2026-01-01T00:00:00Z" }, BRUNO], next_cursor: null }),
    ...extra,
  });
  renderWithProviders(<InboxPage />);
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  await user.click(await screen.findByRole("option", { name: /Maria Silva/ }));
  await screen.findByRole("heading", { name: "Maria Silva" });
  return { user, seen, set: (next: Conversation) => (current = next) };
}

// Each test is a whole flow of clicks and answers: more than the default 5 s on a busy machine.
describe("conversation actions", { timeout: 20_000 }, () => {
  it("assigns the conversation to me at once, then confirms", async () => {
    const bodies: unknown[] = [];
    let answer: (response: Response) => void = () => {};
    const { user, set } = await openMaria({
      [`POST ${BASE}/assign`]: async (request) => {
        bodies.push(await request.json());
        return new Promise<Response>((resolve) => (answer = resolve));
      },
    });

    await user.click(await screen.findByRole("button", { name: "Assignee: Unassigned" }));
    await user.click(await screen.findByRole("menuitem", { name: "Assign to me" }));

    // Shown before the crm answers.
    expect(await screen.findByRole("button", { name: "Assignee: You" })).toBeInTheDocument();
    const assigned = { ...MARIA, assigned_user_id: ME.user.id };
    set(assigned);
    answer(json(assigned));
    expect(await screen.findByText("Assigned to you")).toBeInTheDocument();
    expect(bodies).toEqual([{ user_id: ME.user.id }]);
  });

  it("assigns a teammate picked from the team's users, and unassigns", async () => {
    const bodies: { user_id: string | null }[] = [];
    const { user, set } = await openMaria({
      [`POST ${BASE}/assign`]: async (request) => {
        const body = (await request.json()) as { user_id: string | null };
        bodies.push(body);
        const next = { ...MARIA, assigned_user_id: body.user_id };
        set(next);
        return json(next);
      },
    });

    await user.click(await screen.findByRole("button", { name: "Assignee: Unassigned" }));
    await user.click(await screen.findByRole("menuitem", { name: "Bruno" }));
    expect(await screen.findByText("Assigned to Bruno")).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Assignee: Bruno" }));
    await user.click(await screen.findByRole("menuitem", { name: "Unassign" }));

    expect(await screen.findByText("The conversation is unassigned")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Assignee: Unassigned" })).toBeInTheDocument();
    expect(bodies).toEqual([{ user_id: BRUNO.id }, { user_id: null }]);
  });

  it("puts the assignment back and says why when the crm refuses it", async () => {
    const { user } = await openMaria(
      {
        "GET /api/v1/users": () => problem(403, "managers only", "forbidden"),
        [`POST ${BASE}/assign`]: () =>
          problem(403, "agents may assign only unassigned conversations to themselves", "assignment_not_allowed"),
      },
      { ...MARIA, assigned_user_id: BRUNO.id },
    );

    // An agent cannot list the team: the holder is "a teammate".
    await user.click(await screen.findByRole("button", { name: "Assignee: A teammate" }));
    await user.click(await screen.findByRole("menuitem", { name: "Assign to me" }));

    expect(
      await screen.findByText("agents may assign only unassigned conversations to themselves"),
    ).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Assignee: A teammate" })).toBeInTheDocument();
  });

  it("closes and reopens the conversation", async () => {
    const bodies: unknown[] = [];
    const { user, set } = await openMaria({
      [`POST ${BASE}/status`]: async (request) => {
        const body = (await request.json()) as { status: "open" | "closed" };
        bodies.push(body);
        const next = { ...MARIA, status: body.status };
        set(next);
        return json(next);
      },
    });

    await user.click(await screen.findByRole("button", { name: "Close conversation" }));
    expect(await screen.findByRole("button", { name: "Reopen conversation" })).toBeInTheDocument();
    expect(screen.getByText("Closed")).toBeInTheDocument();
    expect(await screen.findByText("The conversation is closed")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Reopen conversation" }));

    expect(await screen.findByText("The conversation is open again")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Close conversation" })).toBeInTheDocument();
    expect(bodies).toEqual([{ status: "closed" }, { status: "open" }]);
  });

  it("lists the team's notes and adds one", async () => {
    const notes = [
      {
        id: "n1",
        conversation_id: MARIA.id,
        author_user_id: BRUNO.id,
        text: "Cliente pediu desconto",
        created_at: "2026-11-28T10:00:00Z",
      },
    ];
    const { user } = await openMaria({
      [`GET ${BASE}/notes`]: () => json({ items: [...notes].reverse(), next_cursor: null }),
      [`POST ${BASE}/notes`]: async (request) => {
        const { text } = (await request.json()) as { text: string };
        const note = { id: "n2", conversation_id: MARIA.id, author_user_id: ME.user.id, text, created_at: new Date().toISOString() };
        notes.push(note);
        return json(note, 201);
      },
    });

    await user.click(screen.getByRole("button", { name: "Notes" }));
    const drawer = await screen.findByRole("dialog", { name: "Notes" });
    expect(await within(drawer).findByText("Cliente pediu desconto")).toBeInTheDocument();
    expect(within(drawer).getByText(/^Bruno ·/)).toBeInTheDocument();
    await user.type(within(drawer).getByRole("textbox", { name: "Write a note for your team" }), "Liguei para ela");
    await user.click(within(drawer).getByRole("button", { name: "Add note" }));

    expect(await within(drawer).findByText("Liguei para ela")).toBeInTheDocument();
    expect(await screen.findByText("Note added")).toBeInTheDocument();
    await waitFor(() => expect(within(drawer).getByText(/^You ·/)).toBeInTheDocument());
  });
});
