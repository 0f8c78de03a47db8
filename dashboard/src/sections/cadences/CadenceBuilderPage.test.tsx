import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Cadence } from "../../api/cadencesApi";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, problem, token } from "../../test/gateway";
import { whatsappAccount } from "../connections/fixtures";
import { renderApp } from "../connections/testing";
import { crmLookups } from "../contacts/testing";
import { TAG_VIP, field, tagOut } from "../contacts/fixtures";
import { ACCOUNT_ID, cadence, channelTemplate } from "./fixtures";
import { SLOW, choose, seriousViolations } from "./testing";

afterEach(() => endSession());

type User = ReturnType<typeof userEvent.setup>;

const ACCOUNT = whatsappAccount({ id: ACCOUNT_ID, display_name: "Vendas" });

function api(overrides: Record<string, Handler> = {}) {
  const created: Record<string, unknown>[] = [];
  const patched: Record<string, unknown>[] = [];
  const saved = cadence({ name: "Boas-vindas" });
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () => json({ items: [ACCOUNT], next_cursor: null }),
    "POST /api/v1/cadences": async (request) => {
      created.push(await request.json());
      return json(saved, 201);
    },
    [`GET /api/v1/cadences/${saved.id}`]: () => json(saved),
    [`GET /api/v1/cadences/${saved.id}/enrollments`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/custom-fields": () => json({ items: [field({ key: "plan", label: "Plan", kind: "text" })] }),
    ...overrides,
  });
  return { created, patched, saved };
}

/** The step cards, top to bottom, by their headings. */
const stepHeadings = () =>
  within(screen.getByRole("region", { name: "Steps" }))
    .getAllByRole("heading", { level: 4 })
    .map((heading) => heading.textContent);

const stepCard = (name: string) => screen.getByRole("listitem", { name });

async function addStep(user: User, kind: string) {
  await user.click(screen.getByRole("button", { name: "Add a step" }));
  await user.click(await screen.findByRole("menuitem", { name: kind, hidden: true }));
}

async function fillBasics(user: User) {
  await user.type(await screen.findByRole("textbox", { name: "Name" }, SLOW), "Boas-vindas");
  await choose(user, screen.getByRole("textbox", { name: /^Number/ }), "Vendas · WhatsApp");
}

describe("the cadence builder", { timeout: 60_000 }, () => {
  it("adds, reorders and removes steps, and creates the cadence with forward branch targets", async () => {
    const { created, saved } = api();
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);

    // A new cadence starts with one message to write.
    expect(stepHeadings()).toEqual(["Step 1: Send a message"]);
    await user.type(within(stepCard("Step 1: Send a message")).getByRole("textbox", { name: "Message" }), "Oi ");
    await user.click(within(stepCard("Step 1: Send a message")).getByRole("button", { name: "Insert {{first_name}}" }));
    await user.click(await within(stepCard("Step 1: Send a message")).findByRole("button", { name: "Insert {{fields.plan}}" }));
    expect(within(stepCard("Step 1: Send a message")).getByRole("textbox", { name: "Message" })).toHaveValue(
      "Oi {{first_name}}{{fields.plan}}",
    );
    // A WhatsApp text reaches only people inside their 24-hour window: the step says so.
    expect(within(stepCard("Step 1: Send a message")).getByText(/last 24 hours/)).toBeInTheDocument();
    await addStep(user, "Wait");
    await addStep(user, "Send a message");
    await addStep(user, "Branch on a condition");
    expect(stepHeadings()).toEqual([
      "Step 1: Send a message",
      "Step 2: Wait",
      "Step 3: Send a message",
      "Step 4: Branch",
    ]);

    // The branch moves up above the second message, then the wait goes.
    await user.click(screen.getByRole("button", { name: "Move step 4 up" }));
    expect(stepHeadings()).toEqual([
      "Step 1: Send a message",
      "Step 2: Wait",
      "Step 3: Branch",
      "Step 4: Send a message",
    ]);
    expect(screen.getByRole("button", { name: "Move step 1 up" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Move step 4 down" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Remove step 2" }));
    expect(stepHeadings()).toEqual(["Step 1: Send a message", "Step 2: Branch", "Step 3: Send a message"]);

    const wait = within(stepCard("Step 1: Send a message"));
    expect(wait.getByRole("textbox", { name: "Message" })).toHaveValue("Oi {{first_name}}{{fields.plan}}");
    const second = within(stepCard("Step 3: Send a message"));
    await user.type(second.getByRole("textbox", { name: "Message" }), "Ainda por aí?");
    const branch = within(stepCard("Step 2: Branch"));
    await choose(user, branch.getByRole("textbox", { name: "Otherwise" }), "Go to step 3");

    await user.click(screen.getByRole("button", { name: "Create the cadence" }));
    expect(await screen.findByRole("heading", { name: saved.name, level: 2 }, SLOW)).toBeInTheDocument();
    expect(created).toEqual([
      {
        name: "Boas-vindas",
        channel: "whatsapp_cloud",
        channel_account_id: ACCOUNT_ID,
        time_zone: "America/Sao_Paulo",
        steps: [
          { type: "send", message: { type: "text", body: "Oi {{first_name}}{{fields.plan}}" } },
          { type: "branch", condition: { kind: "replied" }, then_step: 3, else_step: 2 },
          { type: "send", message: { type: "text", body: "Ainda por aí?" } },
        ],
        business_hours: null,
        stop_on_reply: true,
        stop_on_stage_change: false,
        triggers: [],
      },
    ]);
  });

  it("offers a branch only the steps after it, and asks again when its step moved above it", async () => {
    const { created } = api();
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Oi");
    await addStep(user, "Branch on a condition");
    await addStep(user, "Wait");
    await addStep(user, "Send a message");

    const branch = () => within(stepCard("Step 2: Branch"));
    await user.click(branch().getByRole("textbox", { name: "When it holds" }));
    const offered = (await screen.findAllByRole("option", { hidden: true }))
      .filter((option) => option.closest(`[id="${branch().getByRole("textbox", { name: "When it holds" }).getAttribute("aria-controls")}"]`))
      .map((option) => option.textContent);
    expect(offered).toEqual(["Go to step 3", "Go to step 4", "End the cadence"]);
    await user.keyboard("{Escape}");
    await choose(user, branch().getByRole("textbox", { name: "When it holds" }), "Go to step 4");

    // The message it went to moves above it: no longer a place it may go.
    await user.click(screen.getByRole("button", { name: "Move step 4 up" }));
    await user.click(screen.getByRole("button", { name: "Move step 3 up" }));
    await user.click(screen.getByRole("button", { name: "Move step 2 up" }));
    expect(stepHeadings()).toEqual([
      "Step 1: Send a message",
      "Step 2: Send a message",
      "Step 3: Branch",
      "Step 4: Wait",
    ]);
    await user.type(within(stepCard("Step 2: Send a message")).getByRole("textbox", { name: "Message" }), "Até já");
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));

    const moved = within(stepCard("Step 3: Branch"));
    expect(moved.getByRole("textbox", { name: "When it holds" })).toHaveValue("");
    expect(
      moved.getByText("Choose where it goes when the condition holds: a later step or the end."),
    ).toBeInTheDocument();
    expect(screen.getByText("Fix the steps marked below.")).toBeInTheDocument();
    expect(created).toEqual([]);
    expect(await seriousViolations()).toEqual([]);
  });

  it("shows the API's 422 at the step it names", async () => {
    api({
      "POST /api/v1/cadences": () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "The cadence cannot run as written",
            status: 422,
            detail: "steps[1]: unknown variable {{nome}}",
            code: "cadence_invalid",
            step: 1,
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Oi");
    await addStep(user, "Send a message");
    await user.type(within(stepCard("Step 2: Send a message")).getByRole("textbox", { name: "Message" }), "Oi {{{{nome}}");
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));

    const problems = await within(stepCard("Step 2: Send a message")).findByRole("alert");
    expect(problems).toHaveAccessibleName("Problems in step 2");
    expect(problems).toHaveTextContent("unknown variable {{nome}}");
    expect(within(stepCard("Step 1: Send a message")).queryByRole("alert")).toBeNull();
  });

  it("shows a schema 422's entries at their steps", async () => {
    api({
      "POST /api/v1/cadences": () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Invalid request",
            status: 422,
            detail: "the request does not match the schema",
            errors: [
              { loc: ["body", "steps", 1, "wait", "amount"], msg: "Input should be less than or equal to 100000", type: "less_than_equal" },
            ],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Oi");
    await addStep(user, "Wait");
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));

    const problems = await within(stepCard("Step 2: Wait")).findByRole("alert");
    expect(problems).toHaveTextContent("Input should be less than or equal to 100000");
  });

  it("says clearly that the steps' kinds and order stay while people are enrolled", async () => {
    const walking: Cadence = cadence({ name: "Boas-vindas", status: "active", counts: { active: 3 } });
    const patched: unknown[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/channels/accounts": () => json({ items: [ACCOUNT], next_cursor: null }),
      [`GET /api/v1/cadences/${walking.id}`]: () => json(walking),
      [`PATCH /api/v1/cadences/${walking.id}`]: async (request) => {
        patched.push(await request.json());
        return problem(
          409,
          "people are walking this cadence: change the steps' texts, waits and conditions, not their kinds or order (or archive it and start a new one)",
          "cadence_steps_locked",
        );
      },
    });
    renderApp(`/cadences/${walking.id}/edit`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    expect(await screen.findByRole("heading", { name: "Edit Boas-vindas" }, SLOW)).toBeInTheDocument();
    expect(screen.getByText(/3 people are in this cadence now/)).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /^Number/ })).toBeDisabled();
    expect(stepHeadings()).toEqual([
      "Step 1: Send a message",
      "Step 2: Wait",
      "Step 3: Branch",
      "Step 4: Send a message",
    ]);
    // The saved branch reads back as "go to the end" / "go to step 4".
    expect(within(stepCard("Step 3: Branch")).getByRole("textbox", { name: "When it holds" })).toHaveValue("End the cadence");
    expect(within(stepCard("Step 3: Branch")).getByRole("textbox", { name: "Otherwise" })).toHaveValue("Go to step 4");

    await user.click(screen.getByRole("button", { name: "Remove step 2" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    const refusal = await screen.findByRole("alert", {
      name: "People are walking this cadence: the steps' kinds and order stay",
    });
    expect(refusal).toHaveTextContent("change the steps' texts, waits and conditions, not their kinds or order");
    expect(refusal).toHaveTextContent("archive this cadence and start a new one");
    expect(patched).toHaveLength(1);
    expect((patched[0] as { steps: unknown[] }).steps).toHaveLength(3);
    expect(screen.getByRole("heading", { name: "Edit Boas-vindas" })).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);
  });

  it("adds triggers, business hours and stop options", async () => {
    const { created } = api({ "GET /api/v1/tags": () => json({ items: [{ id: "t1", name: "vip", color: null }], next_cursor: null }) });
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Oi");

    await user.click(screen.getByRole("button", { name: "Add a trigger" }));
    await choose(user, screen.getByRole("textbox", { name: "Trigger 1" }), "A tag is added");
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));
    expect(await screen.findByText("Name the tag")).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Tag" }), "vip");

    await user.click(screen.getByRole("switch", { name: "Send only inside business hours" }));
    await user.click(screen.getByRole("checkbox", { name: "Friday" }));
    await user.click(screen.getByRole("switch", { name: "Stop when the contact's lead changes stage" }));
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));

    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toMatchObject({
      triggers: [{ event: "tag_added", tag: "vip" }],
      business_hours: { days: [1, 2, 3, 4], start: "09:00", end: "18:00", time_zone: "America/Sao_Paulo", per_contact: false },
      stop_on_reply: true,
      stop_on_stage_change: true,
    });
  });
  it("branches on a contacts filter built with the segment builder", async () => {
    const { created } = api({ ...crmLookups({ tags: [tagOut(TAG_VIP)], count: 7 }) });
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Oi");
    await addStep(user, "Branch on a condition");
    const branch = within(stepCard("Step 2: Branch"));
    await choose(user, branch.getByRole("textbox", { name: "Condition" }), "They match a filter now");

    await user.click(screen.getByRole("button", { name: "Create the cadence" }));
    expect(branch.getByText("Complete at least one condition of the filter.")).toBeInTheDocument();
    await user.click(branch.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Tags", hidden: true }));
    await choose(user, branch.getByRole("textbox", { name: "Condition 1 (Tags): tags" }), "VIP");
    expect(await branch.findByText("7 contacts match")).toBeInTheDocument();
    expect(await seriousViolations()).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Create the cadence" }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect((created[0] as { steps: unknown[] }).steps[1]).toEqual({
      type: "branch",
      condition: { kind: "filter", filter: { all: [{ condition: "tags", match: "any", tag_ids: [TAG_VIP.id] }] } },
      then_step: 2,
      else_step: 2,
    });
  });
  it("sends an approved Meta template with its placeholders filled by the contact's details", async () => {
    const { created } = api({
      [`GET /api/v1/channels/accounts/${ACCOUNT_ID}/templates`]: () =>
        json({ items: [channelTemplate(), channelTemplate({ name: "em_revisao", status: "PENDING" })] }),
    });
    renderApp("/cadences/new");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await fillBasics(user);
    const send = within(stepCard("Step 1: Send a message"));
    await user.click(send.getByRole("radio", { name: "An approved Meta template" }));
    await user.click(send.getByRole("textbox", { name: "Template" }));
    // Only the approved ones are offered.
    expect(await screen.findByRole("option", { name: "boas_vindas (pt_BR)", hidden: true })).toBeInTheDocument();
    expect(screen.queryByRole("option", { name: "em_revisao (pt_BR)", hidden: true })).toBeNull();
    await choose(user, send.getByRole("textbox", { name: "Template" }), "boas_vindas (pt_BR)");
    await user.type(send.getByRole("textbox", { name: "Body {{1}}" }), "first_name|cliente");

    await user.click(screen.getByRole("button", { name: "Create the cadence" }));
    expect(send.getByText("Say what fills each of the template's placeholders.")).toBeInTheDocument();
    await user.type(send.getByRole("textbox", { name: "Body {{2}}" }), "NATAL10");
    await user.click(screen.getByRole("button", { name: "Create the cadence" }));

    await waitFor(() => expect(created).toHaveLength(1));
    expect((created[0] as { steps: unknown[] }).steps[0]).toEqual({
      type: "send",
      message: {
        type: "template",
        name: "boas_vindas",
        language: "pt_BR",
        category: "marketing",
        body: "Olá {{1}}, seu cupom é {{2}}.",
        body_mapping: { "1": "first_name|cliente", "2": "NATAL10" },
        button_index: 0,
      },
    });
  });
  it("edits a saved cadence: what it had reads back, and the changes are saved", async () => {
    const saved: Cadence = cadence({
      name: "Boas-vindas",
      status: "paused",
      business_hours: { days: [1, 2, 3, 4, 5], start: "08:00:00", end: "17:30:00", time_zone: "America/Sao_Paulo", per_contact: false },
      triggers: [{ event: "contact_created" }],
    });
    const patched: Record<string, unknown>[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/channels/accounts": () => json({ items: [ACCOUNT], next_cursor: null }),
      [`GET /api/v1/cadences/${saved.id}`]: () => json(saved),
      [`PATCH /api/v1/cadences/${saved.id}`]: async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        patched.push(body);
        return json({ ...saved, name: body.name });
      },
      [`GET /api/v1/cadences/${saved.id}/enrollments`]: () => json({ items: [], next_cursor: null }),
    });
    renderApp(`/cadences/${saved.id}/edit`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const name = await screen.findByRole("textbox", { name: "Name" }, SLOW);
    expect(screen.getByRole("switch", { name: "Send only inside business hours" })).toBeChecked();
    expect(screen.getByLabelText("From")).toHaveValue("08:00");
    expect(screen.getByRole("textbox", { name: "Trigger 1" })).toHaveValue("A contact is created");
    expect(within(stepCard("Step 2: Wait")).getByRole("textbox", { name: "Wait for" })).toHaveValue("2");
    await user.clear(name);
    await user.type(name, "Boas-vindas 2");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("heading", { name: "Boas-vindas 2", level: 2 }, SLOW)).toBeInTheDocument();
    expect(patched).toEqual([
      {
        name: "Boas-vindas 2",
        time_zone: "America/Sao_Paulo",
        steps: saved.steps,
        business_hours: { days: [1, 2, 3, 4, 5], start: "08:00", end: "17:30", time_zone: "America/Sao_Paulo", per_contact: false },
        stop_on_reply: true,
        stop_on_stage_change: false,
        triggers: [{ event: "contact_created" }],
      },
    ]);
  });
});
