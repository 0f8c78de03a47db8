import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { type Handler, fakeGateway, json, token } from "../../test/gateway";
import { whatsappAccount } from "../connections/fixtures";
import { renderApp } from "../connections/testing";
import { campaign, SEGMENT } from "./fixtures";
import { renderPreview } from "./preview";

afterEach(() => endSession());

const ACCOUNT = whatsappAccount({ display_name: "Vendas" });

function api(overrides: Record<string, Handler> = {}) {
  const created: unknown[] = [];
  const launched: unknown[] = [];
  const draft = campaign({ name: "Natal" });
  fakeGateway({
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/channels/accounts": () =>
      json({ items: [ACCOUNT, whatsappAccount({ id: "a0a1b2c3-0000-4000-8000-00000000000f", display_name: "Parada", status: "paused" })], next_cursor: null }),
    "GET /api/v1/segments": () => json({ items: [SEGMENT], next_cursor: null }),
    "POST /api/v1/campaigns": async (request) => {
      created.push(await request.json());
      return json(draft, 201);
    },
    [`POST /api/v1/campaigns/${draft.id}/launch`]: async (request) => {
      launched.push(await request.json());
      return json({ ...draft, status: "running" });
    },
    [`GET /api/v1/campaigns/${draft.id}`]: () => json({ ...draft, status: "running" }),
    [`GET /api/v1/campaigns/${draft.id}/recipients`]: () => json({ items: [], next_cursor: null }),
    ...overrides,
  });
  return { created, launched, draft };
}

async function choose(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  await user.click(screen.getByRole("textbox", { name: label }));
  await user.click(await within(document.body).findByRole("option", { name: option, hidden: true }));
}

describe("the message preview", () => {
  it("fills the variables with sample values and fallbacks", () => {
    expect(renderPreview("Oi {{first_name|cliente}}! {{ name }} · {{fields.plan|básico}} {{unknown}}")).toBe(
      "Oi Maria! Maria Silva · básico {{unknown}}",
    );
  });
});

describe("new campaign", { timeout: 30_000 }, () => {
  // First: a notification left from a later test would be part of the page.
  it("has no serious accessibility violations", async () => {
    api();
    renderApp("/campaigns/new");
    await screen.findByRole("textbox", { name: "Campaign name" });
    const result = await axe.run(document.body, {
      rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
    });
    const serious = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(serious).toEqual([]);
  });

  it("says what is missing and sends nothing", async () => {
    const { created } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup();

    await user.click(await screen.findByRole("button", { name: "Create and launch" }));
    expect(await screen.findByText("Give the campaign a name")).toBeInTheDocument();
    expect(screen.getByText("Choose the number to send from")).toBeInTheDocument();
    expect(screen.getByText("Choose who receives the campaign")).toBeInTheDocument();
    expect(screen.getByText("Write the message")).toBeInTheDocument();

    const inFlight = screen.getByRole("textbox", { name: "Messages in flight at once" });
    await user.clear(inFlight);
    await user.click(screen.getByRole("button", { name: "Create and launch" }));
    expect(await screen.findByText("Enter a number between 1 and 1000")).toBeInTheDocument();
    expect(created).toEqual([]);
  });

  it("previews the message, creates the draft and launches it", async () => {
    const { created, launched, draft } = api();
    renderApp("/campaigns/new");
    const user = userEvent.setup();

    await user.type(await screen.findByRole("textbox", { name: "Campaign name" }), "Natal");
    await choose(user, "Send from", "Vendas · WhatsApp");
    // A paused number is not offered.
    await user.click(screen.getByRole("textbox", { name: "Send from" }));
    expect(within(document.body).queryByRole("option", { name: "Parada · WhatsApp", hidden: true })).toBeNull();
    await user.keyboard("{Escape}");
    await choose(user, "Audience (saved segment)", "Clientes VIP");
    // Braces are special to user-event's keyboard: pasted instead.
    await user.click(screen.getByRole("textbox", { name: "Message" }));
    await user.paste("Oi {{first_name|cliente}}, feliz Natal!");
    expect(screen.getByRole("region", { name: "Preview" })).toHaveTextContent("Oi Maria, feliz Natal!");
    const rate = screen.getByRole("textbox", { name: "Messages per second (optional)" });
    await user.type(rate, "10");
    await user.click(screen.getByRole("button", { name: "Create and launch" }));

    await waitFor(() =>
      expect(created).toEqual([
        {
          name: "Natal",
          channel: "whatsapp_cloud",
          channel_account_id: ACCOUNT.id,
          message: { type: "text", body: "Oi {{first_name|cliente}}, feliz Natal!" },
          audience: { kind: "segment", segment_id: SEGMENT.id },
          in_flight_limit: 50,
          rate_per_second: 10,
        },
      ]),
    );
    await waitFor(() => expect(launched).toEqual([{}]));
    // The campaign's own page, sending.
    expect(await screen.findByRole("heading", { name: draft.name })).toBeInTheDocument();
    expect(await screen.findByText("Campaign launched")).toBeInTheDocument();
  });

});
