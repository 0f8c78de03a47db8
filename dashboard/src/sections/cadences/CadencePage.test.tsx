import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Cadence } from "../../api/cadencesApi";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { contact } from "../contacts/fixtures";
import { SEGMENT, cadence, enrollment } from "./fixtures";
import { SLOW, badge, choose, seriousViolations } from "./testing";

afterEach(() => endSession());

const ACTIVE = cadence({
  name: "Boas-vindas",
  status: "active",
  counts: { active: 5, completed: 20, stopped: 3, failed: 1 },
  at_step: { "1": 4, "3": 1 },
  triggers: [{ event: "tag_added", tag: "vip" }],
});

const ANA = enrollment({ name: "Ana Souza", address: "+5511988880001", step_index: 1, step_type: "wait" });
const BRUNO = enrollment({
  name: "Bruno Lima",
  address: "+5511988880002",
  state: "stopped",
  step_index: 2,
  step_type: null,
  due_at: null,
  reason: "replied",
  detail: null,
  history: [
    { step: 0, kind: "enrolled", at: "2026-11-28T12:00:00Z", by: "segment" },
    { step: 0, kind: "send_failed", at: "2026-11-28T12:00:05Z", reason: "131026", attempt: 1 },
    { step: 0, kind: "sent", at: "2026-11-28T12:01:00Z", request_id: "r-1" },
    { step: 1, kind: "branched", at: "2026-11-29T12:00:00Z", went_to: 2, condition_held: false },
    { step: 2, kind: "stopped", at: "2026-11-29T15:00:00Z", reason: "replied" },
  ],
});
const CARLA = enrollment({
  name: "Carla Dias",
  address: "+5511977770000",
  state: "failed",
  step_index: 0,
  step_type: null,
  due_at: null,
  reason: "131026",
  detail: "Message undeliverable",
});

const MARIA = contact({ name: "Maria Souza", phone: "+5511988880003" });
const JOAO = contact({ name: "João Lima" });

function api(start: Cadence, overrides: Record<string, Handler> = {}) {
  let current = start;
  const posted: string[] = [];
  const enrolled: unknown[] = [];
  const stopped: string[] = [];
  const queries: URLSearchParams[] = [];
  const move = (action: string, status: Cadence["status"]) => () => {
    posted.push(action);
    current = { ...current, status };
    return json(current);
  };
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    [`GET /api/v1/cadences/${start.id}`]: () => json(current),
    [`POST /api/v1/cadences/${start.id}/activate`]: move("activate", "active"),
    [`POST /api/v1/cadences/${start.id}/pause`]: move("pause", "paused"),
    [`POST /api/v1/cadences/${start.id}/resume`]: move("resume", "active"),
    [`POST /api/v1/cadences/${start.id}/archive`]: move("archive", "archived"),
    [`GET /api/v1/cadences/${start.id}/enrollments`]: (request) => {
      const params = new URL(request.url).searchParams;
      queries.push(params);
      if (params.get("cursor") === "page-2") return json({ items: [CARLA], next_cursor: null });
      if (params.get("q") === "bruno") return json({ items: [BRUNO], next_cursor: null });
      if (params.get("state") === "failed") return json({ items: [CARLA], next_cursor: null });
      if (params.get("step") === "1") return json({ items: [ANA], next_cursor: null });
      return json({ items: [ANA, BRUNO], next_cursor: "page-2" });
    },
    [`POST /api/v1/cadences/${start.id}/enrollments`]: async (request) => {
      const body = (await request.json()) as { again?: boolean };
      enrolled.push(body);
      return json({ enrolled: 1, enrolled_again: body.again ? 2 : 0, already_enrolled: 1, excluded: { opted_out: 1 } });
    },
    [`POST /api/v1/cadences/${start.id}/enrollments/${ANA.id}/stop`]: () => {
      stopped.push(ANA.id);
      return json({ ...ANA, state: "stopped", reason: "stopped_by_user", due_at: null, step_type: null });
    },
    "GET /api/v1/contacts": (request) => {
      const q = new URL(request.url).searchParams.get("q") ?? "";
      const all = [MARIA, JOAO];
      return json({ items: all.filter((c) => !q || c.name!.toLowerCase().includes(q.toLowerCase())), next_cursor: null });
    },
    "GET /api/v1/segments": () => json({ items: [SEGMENT], next_cursor: null }),
    ...overrides,
  });
  return { posted, enrolled, stopped, queries };
}

describe("a cadence's page", { timeout: 60_000 }, () => {
  it("shows the counts, the steps with the people at each, and the options", async () => {
    api(ACTIVE);
    renderApp(`/cadences/${ACTIVE.id}`);

    expect(await screen.findByRole("heading", { name: "Boas-vindas", level: 2 }, SLOW)).toBeInTheDocument();
    expect(screen.getByText(badge("Active"))).toBeInTheDocument();
    const counts = screen.getByRole("region", { name: "Enrollments" });
    expect(within(counts).getByTestId("count-active")).toHaveTextContent("5");
    expect(within(counts).getByTestId("count-completed")).toHaveTextContent("20");
    expect(within(counts).getByTestId("count-stopped")).toHaveTextContent("3");
    expect(within(counts).getByTestId("count-failed")).toHaveTextContent("1");

    const steps = within(screen.getByRole("region", { name: "Steps" })).getAllByRole("listitem");
    expect(steps.map((step) => step.textContent)).toEqual([
      "1. Send: Oi {{first_name|cliente}}!0 people here",
      "2. Wait 2 days4 people here",
      "3. If they replied, go to the end; otherwise to step 40 people here",
      "4. Send: Ainda por aí?1 person here",
    ]);
    expect(screen.getByText("Enrolls automatically when: the tag “vip” is added")).toBeInTheDocument();
    expect(screen.getByText("Stops when the contact replies")).toBeInTheDocument();
  });

  it("activates a draft, pauses, resumes and archives after a confirmation", async () => {
    const draft = cadence({ name: "Reativação", status: "draft" });
    const { posted } = api(draft);
    renderApp(`/cadences/${draft.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByText(/A draft: nothing is sent/, {}, SLOW)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Enroll people" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Activate" }));
    expect(await screen.findByText(badge("Active"))).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Pause" }));
    expect(await screen.findByText(badge("Paused"))).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Resume" }));
    expect(await screen.findByText(badge("Active"))).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Archive" }));
    const dialog = await screen.findByRole("dialog", { name: "Archive this cadence?" });
    await user.click(within(dialog).getByRole("button", { name: "Keep it" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(posted).toEqual(["activate", "pause", "resume"]);
    await user.click(screen.getByRole("button", { name: "Archive" }));
    await user.click(within(await screen.findByRole("dialog", { name: "Archive this cadence?" })).getByRole("button", { name: "Archive" }));
    expect(await screen.findByText(badge("Archived"))).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(posted).toEqual(["activate", "pause", "resume", "archive"]);
    expect(screen.queryByRole("link", { name: "Edit" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Archive" })).toBeNull();
  });

  it("says why an action was refused", async () => {
    api(ACTIVE, {
      [`POST /api/v1/cadences/${ACTIVE.id}/pause`]: () => problem(409, "the cadence is archived", "cadence_state_conflict"),
    });
    renderApp(`/cadences/${ACTIVE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "Pause" }, SLOW));
    expect(await screen.findByText("the cadence is archived")).toBeInTheDocument();
  });

  it("enrolls contacts picked from a searchable list, then a segment", async () => {
    const { enrolled } = api(ACTIVE);
    renderApp(`/cadences/${ACTIVE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Enroll people" }, SLOW));
    let dialog = await screen.findByRole("dialog", { name: "Enroll people" });
    expect(within(dialog).getByRole("button", { name: "Enroll" })).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox", { name: "Search contacts" }), "maria");
    await user.click(await within(dialog).findByRole("checkbox", { name: "Maria Souza · +5511988880003" }));
    await waitFor(() => expect(within(dialog).queryByRole("checkbox", { name: /João Lima/ })).toBeNull());
    expect(within(dialog).getByRole("checkbox", { name: "Maria Souza · +5511988880003" })).toBeChecked();
    expect(within(dialog).getByText("1 contact picked")).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Enroll" }));

    expect(await within(dialog).findByText("1 person enrolled.")).toBeInTheDocument();
    expect(within(dialog).getByText(/1 was enrolled before/)).toBeInTheDocument();
    expect(within(dialog).getByText("Left out: Opted out 1")).toBeInTheDocument();
    expect(within(dialog).queryByText(/starts? again/)).toBeNull();
    expect(enrolled).toEqual([{ contact_ids: [MARIA.id], again: false }]);
    await user.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    await user.click(screen.getByRole("button", { name: "Enroll people" }));
    dialog = await screen.findByRole("dialog", { name: "Enroll people" });
    await user.click(within(dialog).getByRole("radio", { name: "A saved segment" }));
    await choose(user, within(dialog).getByRole("textbox", { name: "Segment" }), SEGMENT.name);
    await user.click(within(dialog).getByRole("checkbox", { name: "Also start again those whose earlier walk ended" }));
    await user.click(within(dialog).getByRole("button", { name: "Enroll" }));
    await within(dialog).findByText("1 person enrolled.");
    expect(within(dialog).getByText("2 people start again from the first step.")).toBeInTheDocument();
    expect(enrolled.at(-1)).toEqual({ segment_id: SEGMENT.id, again: true });
  });

  it("lists the people with their step, next time and reason; filters, searches, pages and stops one", async () => {
    const { queries, stopped } = api(ACTIVE);
    renderApp(`/cadences/${ACTIVE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const table = await screen.findByRole("table", { name: "Enrollments" }, SLOW);
    const rows = within(table).getAllByRole("row");
    expect(within(rows[0]!).getAllByRole("columnheader").map((th) => th.textContent)).toEqual([
      "Person",
      "State",
      "At",
      "Next step at",
      "Why it ended",
      "Actions",
    ]);
    const ana = within(rows[1]!).getAllByRole("cell");
    expect(ana[0]).toHaveTextContent("Ana Souza+5511988880001");
    expect(ana[1]).toHaveTextContent("Active");
    expect(ana[2]).toHaveTextContent("Step 2 · Wait");
    expect(ana[3]).toHaveTextContent(new Date(ANA.due_at!).toLocaleString("en"));
    const bruno = within(rows[2]!).getAllByRole("cell");
    expect(bruno[1]).toHaveTextContent("Stopped");
    expect(bruno[2]).toHaveTextContent("Finished");
    expect(bruno[4]).toHaveTextContent("Replied");
    expect(within(rows[2]!).queryByRole("button", { name: /Stop/ })).toBeNull();
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await within(table).findByText("Carla Dias")).toBeInTheDocument();
    expect(screen.getByText("131026 — Message undeliverable")).toBeInTheDocument();
    expect(queries.at(-1)?.get("cursor")).toBe("page-2");
    await user.click(screen.getByRole("button", { name: "Previous page" }));
    await within(screen.getByRole("table", { name: "Enrollments" })).findByText("Ana Souza");

    await choose(user, screen.getByRole("textbox", { name: "State" }), "Failed");
    await waitFor(() => expect(queries.at(-1)?.get("state")).toBe("failed"));
    expect(await screen.findByText("Carla Dias")).toBeInTheDocument();
    // Picking the chosen state again shows every state.
    await choose(user, screen.getByRole("textbox", { name: "State" }), "Failed");
    await waitFor(() => expect(queries.at(-1)?.get("state")).toBeNull());

    await user.type(screen.getByRole("textbox", { name: "Search people" }), "bruno");
    await waitFor(() => expect(queries.at(-1)?.get("q")).toBe("bruno"));
    await waitFor(() => expect(screen.queryByText("Ana Souza")).toBeNull());
    await user.clear(screen.getByRole("textbox", { name: "Search people" }));

    // The people at a step, from the steps' summary.
    await user.click(await screen.findByRole("button", { name: "Show the people at step 2" }));
    await waitFor(() => expect(queries.at(-1)?.get("step")).toBe("1"));
    expect(screen.getByRole("textbox", { name: "Step" })).toHaveValue("Step 2 · Wait");

    await user.click(await screen.findByRole("button", { name: "Stop Ana Souza" }));
    expect(await screen.findByText("Ana Souza will receive nothing more from this cadence.")).toBeInTheDocument();
    expect(stopped).toEqual([ANA.id]);
  });

  it("shows one person's history in words, oldest first", async () => {
    api(ACTIVE);
    renderApp(`/cadences/${ACTIVE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "History of Bruno Lima" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Bruno Lima in this cadence" });
    const said = [
      "Enrolled by a segment",
      "Sending failed: 131026 (attempt 1)",
      "Message sent",
      "Condition not met: went to step 3",
      "Stopped: Replied",
    ];
    const content = dialog.textContent ?? "";
    for (const line of said) expect(content).toContain(line);
    expect(said.map((line) => content.indexOf(line))).toEqual(said.map((line) => content.indexOf(line)).sort((a, b) => a - b));
    expect(content).toContain(`${new Date("2026-11-29T15:00:00Z").toLocaleString("en")} · step 3`);
    expect(await seriousViolations()).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("says when the cadence does not exist", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/cadences/nope": () => problem(404, "no cadence nope", "cadence_not_found"),
    });
    renderApp("/cadences/nope");
    expect(await screen.findByText("This cadence does not exist.", {}, SLOW)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to cadences" })).toHaveAttribute("href", "/cadences");
  });
});
