import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../../auth/session";
import { fakeGateway, json } from "../../../test/gateway";
import { TAG_VIP, field, tagOut } from "../../contacts/fixtures";
import { crmLookups } from "../../contacts/testing";
import { meAs, renderSignedIn } from "../../team/testing";
import CrmSettingsPage from "./CrmSettingsPage";
import { keyOf } from "./CustomFieldsSection";

afterEach(() => endSession());

const SLOW = { timeout: 15_000 };
const SETTINGS = {
  default_country: "BR",
  marketing_requires_consent: true,
  opt_out_keywords: ["PARAR", "SAIR", "STOP"],
  opt_in_keywords: ["VOLTAR"],
  opt_out_reply: "Pronto, você não recebe mais mensagens.",
  opt_in_reply: null,
  updated_at: null,
};

function gateway(role: "owner" | "agent" = "owner", overrides = {}) {
  const sent: { what: string; body: unknown }[] = [];
  const plan = field({ key: "plan", label: "Plan", kind: "select", options: ["gold"] });
  const seats = field({ key: "seats", label: "Seats", kind: "number" });
  fakeGateway({
    ...crmLookups({ tags: [tagOut(TAG_VIP)], fields: [plan, seats] }),
    "GET /api/v1/me": () => json(meAs(role)),
    "GET /api/v1/crm/settings": () => json(SETTINGS),
    "PUT /api/v1/crm/settings": async (request) => {
      const body = await request.json();
      sent.push({ what: "settings", body });
      return json({ ...SETTINGS, ...(body as object), updated_at: "2026-11-20T12:00:00Z" });
    },
    "POST /api/v1/tags": async (request) => {
      const body = (await request.json()) as { name: string; color: string };
      sent.push({ what: "tag", body });
      return json(tagOut({ id: "7a000000-0000-4000-8000-000000000099", ...body }), 201);
    },
    "POST /api/v1/custom-fields": async (request) => {
      const body = await request.json();
      sent.push({ what: "field", body });
      return json(field({ key: "shirt_size", label: "Shirt size", kind: "select", options: ["M"] }), 201);
    },
    "PUT /api/v1/custom-fields/order": async (request) => {
      const body = await request.json();
      sent.push({ what: "order", body });
      return json({ items: [seats, plan] });
    },
    ...overrides,
  });
  return { sent, plan, seats };
}

describe("crm settings", { timeout: 30_000 }, () => {
  it("adds a custom field of a select kind with its options, and reorders fields", async () => {
    const { sent, plan, seats } = gateway();
    renderSignedIn(<CrmSettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a field" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Add a field" });
    await user.type(within(dialog).getByRole("textbox", { name: "Label" }), "Shirt size");
    expect(within(dialog).getByText("Stored as shirt_size; the key never changes.")).toBeInTheDocument();
    const kind = within(dialog).getByRole("textbox", { name: "Kind" });
    await user.click(kind);
    const listbox = await waitFor(() => document.getElementById(kind.getAttribute("aria-controls") ?? "")!);
    await user.click(await within(listbox).findByRole("option", { name: "One of a list", hidden: true }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("Add at least one option")).toBeInTheDocument();
    await user.type(within(dialog).getByRole("textbox", { name: "Options" }), "M{Enter}L{Enter}");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(sent).toContainEqual({
        what: "field",
        body: { label: "Shirt size", kind: "select", options: ["M", "L"], key: "shirt_size" },
      }),
    );

    await user.click(screen.getByRole("button", { name: "Move Seats up" }));
    await waitFor(() => expect(sent).toContainEqual({ what: "order", body: { ids: [seats.id, plan.id] } }));
  });

  it("adds a coloured tag", async () => {
    const { sent } = gateway();
    renderSignedIn(<CrmSettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Add a tag" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Add a tag" });
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Atacado");
    const colour = within(dialog).getByRole("textbox", { name: "Colour" });
    await user.clear(colour);
    await user.type(colour, "#3B82F6");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(sent).toContainEqual({ what: "tag", body: { name: "Atacado", color: "#3b82f6" } }));
  });

  it("deletes a tag, which the crm answers with the job taking it off its contacts (202)", async () => {
    let deleted = false;
    gateway("owner", {
      "DELETE /api/v1/tags/7a000000-0000-4000-8000-000000000001": () => {
        deleted = true;
        return json({ id: "7b000000-0000-4000-8000-000000000001", kind: "tags.delete", status: "queued" }, 202);
      },
    });
    renderSignedIn(<CrmSettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("button", { name: "Delete the tag VIP" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Delete this tag?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));

    await waitFor(() => expect(deleted).toBe(true));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Delete this tag?" })).not.toBeInTheDocument());
  });

  it("changes the opt-out keywords, the replies, the consent rule and the default country", async () => {
    const { sent } = gateway();
    renderSignedIn(<CrmSettingsPage />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    const optOut = await screen.findByRole("textbox", { name: "Opt-out keywords" }, SLOW);
    await user.type(optOut, "DESCADASTRAR{Enter}");
    await user.clear(screen.getByRole("textbox", { name: "Reply after an opt-in" }));
    await user.type(screen.getByRole("textbox", { name: "Reply after an opt-in" }), "Bem-vindo de volta!");
    await user.click(screen.getByRole("switch", { name: /Marketing messages need an opt-in/ }));
    const country = screen.getByRole("textbox", { name: "Default country" });
    await user.click(country);
    await user.clear(country);
    await user.type(country, "(PT)");
    const listbox = await waitFor(() => document.getElementById(country.getAttribute("aria-controls") ?? "")!);
    await user.click(await within(listbox).findByRole("option", { name: /\(PT\)/, hidden: true }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() =>
      expect(sent).toContainEqual({
        what: "settings",
        body: {
          default_country: "PT",
          marketing_requires_consent: false,
          opt_out_keywords: ["PARAR", "SAIR", "STOP", "DESCADASTRAR"],
          opt_in_keywords: ["VOLTAR"],
          opt_out_reply: "Pronto, você não recebe mais mensagens.",
          opt_in_reply: "Bem-vindo de volta!",
        },
      }),
    );
    expect(await screen.findByText("Settings saved")).toBeInTheDocument();
  });

  it("is read-only for agents", async () => {
    gateway("agent");
    renderSignedIn(<CrmSettingsPage />);

    expect(await screen.findByText("Only managers, admins and owners can change these settings.", {}, SLOW)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add a tag" })).not.toBeInTheDocument();
    expect(await screen.findByRole("textbox", { name: "Opt-out keywords" })).toBeDisabled();
  });

  it("derives the key the crm would from a label", () => {
    expect(keyOf("Data de nascimento")).toBe("data_de_nascimento");
    expect(keyOf("Ação 2026!")).toBe("acao_2026");
    expect(keyOf("2º contato")).toBe("f_2o_contato");
  });
});
