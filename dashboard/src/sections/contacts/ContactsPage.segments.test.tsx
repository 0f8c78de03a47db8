import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem } from "../../test/gateway";
import { COLUMNS_KEY } from "./columns";
import { TAG_VIP, contact, field, job, tagOut } from "./fixtures";
import { crmLookups, renderApp } from "./testing";

const SLOW = { timeout: 15_000 };

afterEach(() => endSession());
beforeEach(() => localStorage.removeItem(COLUMNS_KEY));

const ana = contact({ name: "Ana Souza", tags: [TAG_VIP], fields: { plan: "gold" } });
const bruno = contact({ name: "Bruno Lima" });
const maria = contact({ name: "Maria Silva", tags: [TAG_VIP] });

function gateway(overrides = {}) {
  const previews: { filter: unknown; sample_size: number }[] = [];
  const bulks: unknown[] = [];
  const listed: URLSearchParams[] = [];
  const queried: { filter: unknown; q: string | null; cursor: string | null; limit: number }[] = [];
  const seen = fakeGateway({
    ...crmLookups({ tags: [tagOut(TAG_VIP)], fields: [field({ key: "plan", label: "Plan", kind: "text" })] }),
    "GET /api/v1/contacts": (request) => {
      listed.push(new URL(request.url).searchParams);
      return json({ items: [ana, bruno], next_cursor: "page-2" });
    },
    "POST /api/v1/segments/preview": async (request) => {
      const body = (await request.json()) as { filter: unknown; sample_size: number };
      previews.push(body);
      const tagged = JSON.stringify(body.filter).includes(TAG_VIP.id);
      return json({
        count: tagged ? 2 : 120,
        count_timed_out: false,
        sample: body.sample_size ? (tagged ? [maria, ana] : [ana, bruno]) : [],
      });
    },
    "POST /api/v1/contacts/query": async (request) => {
      const body = (await request.json()) as (typeof queried)[number];
      queried.push(body);
      const tagged = JSON.stringify(body.filter).includes(TAG_VIP.id);
      const matches = (tagged ? [maria, ana] : [ana, bruno]).filter(
        (item) => !body.q || item.name!.toLowerCase().includes(body.q.toLowerCase()),
      );
      // Pages of one: every match is reachable, a page at a time.
      const at = body.cursor ? Number(body.cursor) : 0;
      return json({ items: matches.slice(at, at + 1), next_cursor: at + 1 < matches.length ? String(at + 1) : null });
    },
    "POST /api/v1/contacts/bulk": async (request) => {
      bulks.push(await request.json());
      return json(job({ status: "queued" }), 202);
    },
    ...overrides,
  });
  return { previews, bulks, listed, queried, seen };
}

/** Choose `option` in the select or multi select named `label` (inside `within`). */
async function pick(label: string, option: string, container: HTMLElement = document.body) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  const input = within(container).getByRole("textbox", { name: label });
  await user.click(input);
  const listbox = await waitFor(() => {
    const element = document.getElementById(input.getAttribute("aria-controls") ?? "");
    if (!element) throw new Error(`no options for ${label}`);
    return element;
  });
  await user.click(await within(listbox).findByRole("option", { name: option, hidden: true }));
}

// Whole-app renders: slow on a machine busy with the services' tests.
describe("contacts: segments, columns, bulk actions", { timeout: 30_000 }, () => {
  it("counts the segment being built live, once editing pauses, and lists its matches", async () => {
    const { previews, queried } = gateway();
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);

    await user.click(screen.getByRole("button", { name: "Filter" }));
    expect(await screen.findByText("120 contacts match")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Tags", hidden: true }));
    await pick("Condition 1 (Tags): tags", "VIP");

    expect(await screen.findByText("2 contacts match")).toBeInTheDocument();
    const expected = { all: [{ condition: "tags", match: "any", tag_ids: [TAG_VIP.id] }] };
    expect(previews.filter((body) => body.sample_size === 0).at(-1)?.filter).toEqual(expected);
    // The table follows: the filter's matches, newest first, from the query endpoint.
    expect(await screen.findByRole("link", { name: "Maria Silva" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Bruno Lima" })).not.toBeInTheDocument();
    expect(queried.at(-1)).toEqual({ filter: expected, q: null, cursor: null, limit: 25 });
    // Debounced, and only complete filters: the counts asked were for everyone, then for VIP.
    expect(new Set(previews.filter((body) => body.sample_size === 0).map((body) => JSON.stringify(body.filter)))).toEqual(
      new Set([JSON.stringify({ all: [] }), JSON.stringify(expected)]),
    );
  });

  it("saves the filter as a segment", async () => {
    const saved: unknown[] = [];
    gateway({
      "POST /api/v1/segments": async (request: Request) => {
        const body = (await request.json()) as { name: string; filter: unknown };
        saved.push(body);
        return json({ id: "5e000000-0000-4000-8000-000000000009", description: null, created_by_user_id: null, created_at: "2026-11-20T12:00:00Z", updated_at: "2026-11-20T12:00:00Z", ...body }, 201);
      },
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await user.click(screen.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Lifecycle stage", hidden: true }));
    await pick("Condition 1 (Lifecycle stage): stages", "Customer");
    
    await waitFor(() => expect(screen.getByRole("button", { name: "Save as a segment" })).toBeEnabled());
    await user.click(screen.getByRole("button", { name: "Save as a segment" }));
    await user.type(await screen.findByRole("textbox", { name: "Segment name" }), "Customers");
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(saved).toEqual([{ name: "Customers", filter: { all: [{ condition: "lifecycle_stage", stages: ["customer"] }] } }]),
    );
    expect(await screen.findByText("Segment “Customers” saved")).toBeInTheDocument();
  });

  it("shows the columns the user picks, and remembers them", async () => {
    gateway();
    const first = renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    const table = await screen.findByRole("table", { name: "Contacts" }, SLOW);
    expect(within(table).getByRole("columnheader", { name: "Tags" })).toBeInTheDocument();
    expect(within(table).getByText("VIP")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Columns" }));
    const columns = await screen.findByRole("group", { name: "Columns to show", hidden: true });
    await user.click(within(columns).getByRole("checkbox", { name: "Plan", hidden: true }));
    await user.click(within(columns).getByRole("checkbox", { name: "Tags", hidden: true }));

    expect(await within(table).findByRole("columnheader", { name: "Plan" })).toBeInTheDocument();
    expect(within(table).getByText("gold")).toBeInTheDocument();
    expect(within(table).queryByRole("columnheader", { name: "Tags" })).not.toBeInTheDocument();
    first.unmount();

    renderApp("/contacts");
    const again = await screen.findByRole("table", { name: "Contacts" });
    expect(within(again).getByRole("columnheader", { name: "Plan" })).toBeInTheDocument();
    expect(within(again).queryByRole("columnheader", { name: "Tags" })).not.toBeInTheDocument();
  });

  it("sends the quick filters to the list", async () => {
    const { listed } = gateway();
    renderApp("/contacts");
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);

    await pick("Lifecycle stage", "Lead");

    await waitFor(() => expect(listed.at(-1)?.getAll("lifecycle_stage")).toEqual(["lead"]));
  });

  it("tags the selected contacts as a job and follows its progress", async () => {
    let polls = 0;
    const { bulks, listed } = gateway({
      [`GET /api/v1/jobs/${job().id}`]: () => {
        polls += 1;
        return json(
          polls === 1
            ? job({ status: "running", total: 2, processed: 1, succeeded: 1, percent: 50 })
            : job({ status: "succeeded", total: 2, processed: 2, succeeded: 2, percent: 100 }),
        );
      },
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);

    await user.click(screen.getByRole("checkbox", { name: "Select Ana Souza" }));
    await user.click(screen.getByRole("checkbox", { name: "Select Bruno Lima" }));
    expect(screen.getByText("2 contacts selected")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Actions" }));
    await user.click(await screen.findByRole("menuitem", { name: "Add tags", hidden: true }));
    const dialog = await screen.findByRole("dialog", { name: "Add tags" });
    expect(within(dialog).getByText("This applies to: 2 selected contacts.")).toBeInTheDocument();
    await pick("Tags", "VIP", dialog);
    await user.click(within(dialog).getByRole("button", { name: "Add the tags" }));

    const progress = await screen.findByRole("dialog", { name: "Add tags" });
    expect(await within(progress).findByText("1 of 2 done")).toBeInTheDocument();
    expect(within(progress).getByRole("progressbar", { name: "Progress of “Add tags”" })).toBeInTheDocument();
    expect(await within(progress).findByText("2 of 2 done", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(within(progress).getByText("Finished")).toBeInTheDocument();
    expect(within(progress).getByText("2 succeeded, 0 failed.")).toBeInTheDocument();
    expect(bulks).toEqual([{ action: "tag", params: { tag_ids: [TAG_VIP.id] }, selection: [ana.id, bruno.id] }]);
    // Done: the list is asked again.
    const before = listed.length;
    await waitFor(() => expect(listed.length).toBeGreaterThan(before - 1));
  });

  it("selects every matching contact and deletes them after the typed confirmation", async () => {
    const { bulks } = gateway({
      [`GET /api/v1/jobs/${job().id}`]: () => json(job({ kind: "contacts.bulk_delete", status: "succeeded", total: 120, processed: 120, succeeded: 120 })),
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);

    await user.click(screen.getByRole("checkbox", { name: "Select every contact on this page" }));
    await user.click(await screen.findByRole("button", { name: "Select all 120 contacts that match" }));
    expect(screen.getByText("All 120 matching contacts")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Actions" }));
    await user.click(await screen.findByRole("menuitem", { name: "Delete", hidden: true }));
    const dialog = await screen.findByRole("dialog", { name: "Delete" });
    const run = within(dialog).getByRole("button", { name: "Delete them" });
    expect(run).toBeDisabled();
    await user.type(within(dialog).getByRole("textbox", { name: "Type “delete” to confirm" }), "delete");
    await user.click(run);

    expect(await screen.findByText("120 of 120 done")).toBeInTheDocument();
    expect(bulks).toEqual([{ action: "delete", params: {}, filter: { all: [] } }]);
  });
  it("pages through every match of an unsaved filter, and searches within it", async () => {
    const { queried } = gateway();
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await user.click(screen.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Tags", hidden: true }));
    await pick("Condition 1 (Tags): tags", "VIP");
    const expected = { all: [{ condition: "tags", match: "any", tag_ids: [TAG_VIP.id] }] };

    // Every match, a page at a time (pages of one here): not only the newest few.
    expect(await screen.findByRole("link", { name: "Maria Silva" })).toBeInTheDocument();
    const pages = screen.getByRole("navigation", { name: "Contact pages" });
    await user.click(within(pages).getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Ana Souza" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Maria Silva" })).not.toBeInTheDocument();
    expect(within(pages).getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(queried.at(-1)).toEqual({ filter: expected, q: null, cursor: "1", limit: 25 });
    await user.click(within(pages).getByRole("button", { name: "Previous page" }));
    expect(await screen.findByRole("link", { name: "Maria Silva" })).toBeInTheDocument();

    // The search stays on with the filter, and both apply.
    const search = screen.getByRole("textbox", { name: "Search contacts" });
    expect(search).toBeEnabled();
    await user.type(search, "ana");
    expect(await screen.findByRole("link", { name: "Ana Souza" })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("link", { name: "Maria Silva" })).not.toBeInTheDocument());
    expect(queried.at(-1)).toEqual({ filter: expected, q: "ana", cursor: null, limit: 25 });
  });

  it("says so when a filter's page takes the crm too long", async () => {
    gateway({
      "POST /api/v1/contacts/query": () =>
        problem(503, "the page took longer than 5000 ms: narrow the filter", "contacts_query_timed_out"),
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await user.click(screen.getByRole("button", { name: "Add a condition" }));
    await user.click(await screen.findByRole("menuitem", { name: "Tags", hidden: true }));
    await pick("Condition 1 (Tags): tags", "VIP");

    expect(await screen.findByText("The contacts could not be loaded.", {}, SLOW)).toBeInTheDocument();
    expect(screen.getByText("the page took longer than 5000 ms: narrow the filter")).toBeInTheDocument();
  });

  it("cancels a running bulk action and shows it cancelled", async () => {
    const cancelled: string[] = [];
    gateway({
      [`GET /api/v1/jobs/${job().id}`]: () =>
        json(
          cancelled.length
            ? job({ status: "cancelled", total: 2, processed: 1, succeeded: 1, cancel_requested: true })
            : job({ status: "running", total: 2, processed: 1, succeeded: 1, percent: 50 }),
        ),
      [`POST /api/v1/jobs/${job().id}/cancel`]: () => {
        cancelled.push(job().id);
        return json(job({ status: "running", total: 2, processed: 1, succeeded: 1, percent: 50, cancel_requested: true }));
      },
    });
    renderApp("/contacts");
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await screen.findByRole("link", { name: "Bruno Lima" }, SLOW);
    await user.click(screen.getByRole("checkbox", { name: "Select Ana Souza" }));
    await user.click(screen.getByRole("button", { name: "Actions" }));
    await user.click(await screen.findByRole("menuitem", { name: "Add tags", hidden: true }));
    const dialog = await screen.findByRole("dialog", { name: "Add tags" });
    await pick("Tags", "VIP", dialog);
    await user.click(within(dialog).getByRole("button", { name: "Add the tags" }));

    const progress = await screen.findByRole("dialog", { name: "Add tags" });
    expect(await within(progress).findByText("1 of 2 done")).toBeInTheDocument();
    await user.click(await within(progress).findByRole("button", { name: "Cancel the job" }));

    expect(cancelled).toEqual([job().id]);
    expect(await within(progress).findByText(/Stopping after the current step|^Cancelled$/)).toBeInTheDocument();
    expect(within(progress).queryByRole("button", { name: "Cancel the job" })).not.toBeInTheDocument();
    expect(
      await within(progress).findByText("Cancelled after 1 done; what was done stays.", {}, { timeout: 8000 }),
    ).toBeInTheDocument();
    expect(within(progress).getByText("Cancelled")).toBeInTheDocument();
  });
});
